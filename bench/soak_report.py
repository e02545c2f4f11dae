"""bench/soak.py's report: raw samples (JSON, CSV), one PNG per metric over simulated time, and
report.md with the machine, the command, the acceleration and the derived figures."""

import csv
import json
import math
import os
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after the backend is chosen)

GOAL_S = 2.0  # SPEC: an alert within 2 seconds of the entry's appearance.


def slope(xs, ys):
    """Least-squares slope of ys over xs; None with fewer than 2 distinct points."""
    if len(xs) < 2 or len(set(xs)) < 2:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return (sum((x - mx) * (y - my) for x, y in zip(xs, ys)) /
            sum((x - mx) ** 2 for x in xs))


def quantile(values, q):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, max(0, math.ceil(q * len(v)) - 1))]


def plot(path, title, ylabel, series, kind="line"):
    fig, ax = plt.subplots(figsize=(8, 4))
    for label, xs, ys in series:
        if kind == "scatter":
            ax.scatter(xs, ys, s=10, label=label)
        else:
            ax.plot(xs, ys, marker="." if len(xs) < 40 else None, label=label)
    ax.set_ylim(bottom=0)  # Every metric here is a size, a count or a duration.
    ax.set_xlabel("simulated hours")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    if 1 < len(series) <= 12:
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def fmt(v, spec=",.2f", none="n/a"):
    return none if v is None else format(v, spec)


def derive(info, samples, latencies):
    acc = info["acceleration"]
    wall = samples[-1]["wall_s"] if samples else 0
    warm = [s for s in samples if s["wall_s"] >= info.get("warmup", 0.25) * wall]
    d = {"sim_hours": wall * acc / 3600}
    # RSS: MiB per simulated day after warm-up.
    s = slope([x["sim_h"] / 24 for x in warm], [x["rss_mib"] for x in warm])
    d["rss_slope_mib_per_sim_day"] = s
    d["rss_first_mib"] = samples[0]["rss_mib"] if samples else None
    d["rss_last_mib"] = samples[-1]["rss_mib"] if samples else None
    d["rss_max_mib"] = max((x["rss_mib"] for x in samples), default=None)
    # Store: bytes per simulated day (least squares after warm-up) and a year at that rate.
    s = slope([x["sim_h"] / 24 for x in warm], [x["store_bytes"] for x in warm])
    d["store_bytes_per_sim_day"] = s
    d["store_bytes_per_year"] = None if s is None else s * 365
    d["store_last_bytes"] = samples[-1]["store_bytes"] if samples else None
    # Lag per log after catch-up (the warm-up share left out).
    per_log = {}
    for x in warm:
        for name, lag in x["lag"].items():
            per_log[name] = max(per_log.get(name, 0), lag["entries"])
    d["max_lag_per_log"] = per_log
    d["last_lag_per_log"] = {n: l["entries"] for n, l in (samples[-1]["lag"] if samples else {}).items()}
    # Alert latency, after warm-up (the logs start only after the first CAA poll, so probes
    # published during it wait for it) and over the whole run.
    warm_h = info.get("warmup", 0.25) * d["sim_hours"]
    for suffix, probes in (("", [l for l in latencies if l["sim_h"] >= warm_h]),
                           ("_all", latencies)):
        got = [l["latency_s"] for l in probes if l["latency_s"] is not None]
        d["probes" + suffix], d["probes_alerted" + suffix] = len(probes), len(got)
        d["latency_p50" + suffix] = quantile(got, 0.5)
        d["latency_p99" + suffix] = quantile(got, 0.99)
        d["latency_max" + suffix] = max(got) if got else None
        d["latency_over_goal" + suffix] = sum(1 for v in got if v > GOAL_S)
    d["target_entries_per_s"] = acc * (sum(info["rates_real"]["tiled"]) +
                                       sum(info["rates_real"]["rfc6962"]))
    if samples and samples[-1]["log_entries"]:
        d["hit_share"] = (info.get("findings", 0) - info.get("findings_probes", 0)) / \
            samples[-1]["log_entries"]
    # CPU: a fraction of one core over the whole run, and at real time.
    if len(samples) >= 2 and wall > 0:
        cores = (samples[-1]["cpu_s"] - samples[0]["cpu_s"]) / (wall - samples[0]["wall_s"])
        d["cpu_cores"] = cores
        d["cpu_cores_real_time"] = cores / acc
        d["helpers_cores"] = {k: (samples[-1]["helpers_cpu_s"][k] - samples[0]["helpers_cpu_s"][k])
                              / (wall - samples[0]["wall_s"]) for k in samples[-1]["helpers_cpu_s"]}
        entries = samples[-1]["log_entries"] - samples[0]["log_entries"]
        d["log_entries_per_s"] = entries / (wall - samples[0]["wall_s"])
        # Feasibility: CPU per entry, and the acceleration the machine's cores hold if every
        # process scales with it (the ecosystem writers are one Python thread each: <= 1 core).
        d["caawatch_us_per_entry"] = 1e6 * cores / max(d["log_entries_per_s"], 1e-9)
        total = cores + sum(d["helpers_cores"].values())
        d["all_cores"] = total
        # CPU grows with the entries: scaled up to the target when the ecosystem fell short.
        short = max(1.0, d["target_entries_per_s"] / max(d["log_entries_per_s"], 1e-9))
        d["acc_max_cpu"] = acc * info["machine"]["cores"] / (total * short) if total else None
        writers = [c for k, c in d["helpers_cores"].items() if k.startswith("ecosystem")]
        d["acc_max_writer"] = acc / max(writers) if writers and max(writers) > 0 else None
    d["ecosystem_behind_s"] = samples[-1].get("ecosystem_behind_s") if samples else None
    derive_retention(info, samples, d)
    return d


def duration_s(text):
    """A duration as soak.py writes them into caawatch's config ("150000.000ms"), in seconds."""
    return float(text[:-2]) / 1000 if text.endswith("ms") else float(text.rstrip("s"))


def derive_retention(info, samples, d):
    """The tree-head retention rule over the run (store/SCHEMA.md): every head within
    keep_all_tree_heads_for, then one per tree_head_history_interval. Before the window is full
    the store grows with the heads; once a pass has run after it is full, the heads' count
    should stay flat and the store grow only by what the entries add (certificates, findings,
    CAA changes) and the sparse history. Fills d["retention"] when the run was long enough."""
    cfg, acc = info.get("caawatch_config", {}), info["acceleration"]
    if "keep_all_tree_heads_for" not in cfg or not samples:
        return
    keep_h = duration_s(cfg["keep_all_tree_heads_for"]) * acc / 3600
    interval_h = duration_s(cfg["tree_head_history_interval"]) * acc / 3600
    logs = info["logs_tiled"] + info["logs_rfc6962"]
    r = {"keep_all_sim_h": keep_h, "history_interval_sim_h": interval_h}

    def keys(s):
        return s.get("store_keys", {}).get("tree_heads")

    def head_bytes(s):
        return s.get("store", {}).get("cf:tree_heads")

    filling = [s for s in samples if 0.25 * keep_h <= s["sim_h"] <= keep_h and keys(s) is not None]
    rate = slope([s["sim_h"] for s in filling], [keys(s) for s in filling])
    r["heads_per_sim_hour"] = rate  # All logs together, while rule 1 keeps them all.
    last = samples[-1]
    r["heads_last"], r["head_bytes_last"] = keys(last), head_bytes(last)
    if rate is not None and keys(last) is not None:
        r["heads_expected_last"] = (rate * min(keep_h, last["sim_h"]) +
                                    logs * max(0.0, last["sim_h"] - keep_h) / interval_h)
    if head_bytes(last) and keys(last):
        # Bytes per stored head (key, record and RocksDB's overhead), from the end.
        r["bytes_per_head"] = head_bytes(last) / keys(last)
    # The steady state: the window full and two passes since (a pass every history interval).
    # Per-family figures only from the samples `store stats` answered (a sample whose read-only
    # open raced a compaction fell back to file kinds).
    steady_all = [s for s in samples if s["sim_h"] >= keep_h + 2 * interval_h]
    steady = [s for s in steady_all if s.get("store_source") == "store stats"]
    r["steady_samples"] = len(steady)
    if len(steady) >= 3:
        days = [s["sim_h"] / 24 for s in steady]
        r["steady_from_sim_h"] = steady[0]["sim_h"]
        r["store_bytes_per_sim_day"] = slope(days, [s["store_bytes"] for s in steady])
        r["heads_per_sim_day"] = slope(days, [keys(s) or 0 for s in steady])
        r["heads_min"] = min(keys(s) or 0 for s in steady)
        r["heads_max"] = max(keys(s) or 0 for s in steady)
        r["family_bytes_per_sim_day"] = {
            k: slope(days, [s["store"].get(k, 0) for s in steady])
            for k in sorted({k for s in steady for k in s["store"]})}
        r["rss_mib_per_sim_day"] = slope(days, [s["rss_mib"] for s in steady_all])
        # What is kept grows by the families that hold findings, certificates and CAA history
        # (the heads' window is full: their count is flat); the heads' on-disk bytes also hold
        # deleted heads until compaction reaches them, which is not growth of what is kept.
        fam = r["family_bytes_per_sim_day"]
        live = sum(max(0.0, v or 0.0) for k, v in fam.items()
                   if k.startswith("cf:") and k != "cf:tree_heads")
        r["kept_bytes_per_sim_day"] = live
        heads_bytes = (keys(last) or 0) * r.get("bytes_per_head", 0)
        rest = sum(v for k, v in last["store"].items() if k.startswith("cf:") and
                   k != "cf:tree_heads")
        r["kept_bytes_last"] = heads_bytes + rest
        r["store_bytes_year"] = (r["kept_bytes_last"] + live * (365 - last["sim_h"] / 24) +
                                 logs * 24 * 365 * r.get("bytes_per_head", 0))
    d["retention"] = r


def write(out_dir, info, samples, latencies, status_text, error_lines):
    os.makedirs(out_dir, exist_ok=True)
    d = derive(info, samples, latencies)
    with open(os.path.join(out_dir, "samples.json"), "w") as f:
        json.dump({"info": info, "derived": d, "samples": samples, "latencies": latencies,
                   "status_text": status_text, "error_lines": error_lines}, f, indent=1)
    with open(os.path.join(out_dir, "samples.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["wall_s", "sim_h", "rss_mib", "cpu_s", "cpu_cores", "threads", "open_files",
                    "store_bytes", "max_lag_entries", "log_entries", "alerts"])
        for s in samples:
            w.writerow([f"{s['wall_s']:.1f}", f"{s['sim_h']:.3f}", f"{s['rss_mib']:.1f}",
                        f"{s['cpu_s']:.2f}", f"{s.get('cpu_cores', 0):.3f}", s["threads"],
                        s["open_files"], s["store_bytes"],
                        max([l["entries"] for l in s["lag"].values()] or [0]), s["log_entries"],
                        s["alerts"]])
    with open(os.path.join(out_dir, "latencies.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "log", "published_unix", "sim_h", "latency_s"])
        for l in latencies:
            w.writerow([l["name"], l["log"], f"{l['published']:.3f}", f"{l['sim_h']:.3f}",
                        "" if l["latency_s"] is None else f"{l['latency_s']:.3f}"])

    h = [s["sim_h"] for s in samples]
    plots = []

    def add(name, *args, **kw):
        plot(os.path.join(out_dir, name), *args, **kw)
        plots.append(name)

    add("rss.png", "caawatch resident memory", "RSS (MiB)", [("RSS", h, [s["rss_mib"] for s in samples])])
    add("cpu.png", "caawatch CPU (user+sys) per sample interval", "cores",
        [("caawatch", h[1:], [s["cpu_cores"] for s in samples[1:]])])
    kinds = sorted({k for s in samples for k in s["store"]})
    add("store.png", f"store size ({samples[-1]['store_source'] if samples else ''})", "MiB",
        [("total", h, [s["store_bytes"] / 2**20 for s in samples])] +
        [(k, h, [s["store"].get(k, 0) / 2**20 for s in samples]) for k in kinds])
    families = sorted({k for s in samples for k in s.get("store_keys", {})})
    if families:
        # Only the samples `store stats` answered (the others fell back to file kinds).
        counted = [s for s in samples if s.get("store_keys")]
        add("store_keys.png", "store keys per column family", "keys",
            [(k, [s["sim_h"] for s in counted], [s["store_keys"].get(k, 0) for s in counted])
             for k in families])
    got = [l for l in latencies if l["latency_s"] is not None]
    add("latency.png", f"alert latency (probe published -> alert received; goal {GOAL_S:.0f} s)",
        "seconds", [("probes", [l["sim_h"] for l in got], [l["latency_s"] for l in got])],
        kind="scatter")
    names = sorted({n for s in samples for n in s["lag"]}, key=lambda n: int(n.split()[-1]))
    add("lag.png", "lag per log (entries published, not yet processed)", "entries",
        [("max over logs", h, [max([l["entries"] for l in s["lag"].values()] or [0])
                               for s in samples])] +
        ([(n, h, [s["lag"].get(n, {}).get("entries", 0) for s in samples]) for n in names]
         if len(names) <= 11 else []))
    fd_kinds = sorted({k for s in samples for k in s.get("open_files_by_kind", {})})
    add("open_files.png", "caawatch open file descriptors", "fds",
        [("all", h, [s["open_files"] for s in samples])] +
        [(k, h, [s.get("open_files_by_kind", {}).get(k, 0) for s in samples]) for k in fd_kinds])
    add("threads.png", "caawatch threads", "threads", [("threads", h, [s["threads"] for s in samples])])

    m, acc = info["machine"], info["acceleration"]
    pool = info["pool"]
    behind = [n for n, lag in d["max_lag_per_log"].items() if d["last_lag_per_log"].get(n, 0) >
              max(1000, 3 * lag_allowance(info, n))]
    lines = [
        "# caawatch soak report",
        "",
        f"- **Run**: {info['started']} to {info.get('finished', '?')}, wall {d['sim_hours'] / acc:.2f} h "
        f"= **{d['sim_hours']:.2f} simulated hours** at acceleration **{acc:g}x**; samples every "
        f"{info['sample_s']:g} s.",
        f"- **Command**: `{info['command']}` ({info.get('caawatch_version', '?')})",
        f"- **Machine**: {m['cpu_model']}, {m['cores']} cores, {m['memory_gib']} GiB, Linux "
        f"{m['kernel']}; load average at start {', '.join(f'{x:.2f}' for x in m['load_at_start'])}.",
        f"- **Ecosystem**: {info['logs_tiled']} static-ct-api logs (nginx) and {info['logs_rfc6962']} "
        f"RFC 6962 logs, {info['total_rate_real']:g} real entries/s in all (per log: Zipf 1/rank, "
        f"largest {max(info['rates_real']['tiled'] + info['rates_real']['rfc6962']):.0f}/s), "
        f"these logs: {d['target_entries_per_s'] / acc:,.0f} real entries/s x{acc:g} = "
        f"{d['target_entries_per_s']:,.0f} entries/s; a signed tree head per log every "
        f"simulated second ({acc:g} a wall second).",
        f"- **Entries**: a pool of {pool['entries']:,} distinct realistic entries (caawatch_test_log "
        f"--realistic; its generator made {pool['generator_entries_per_s']:,.0f} entries/s on 2 "
        f"threads), cycled by every log from its own offset with fresh timestamps; "
        f"{pool['probes']} probes (fresh names under `.soak-probe.test`, CAA forbids their CA).",
        f"- **Watchlist**: {info['names']:,} names: {pool['hit_names']:,} watched names with a "
        f"certificate each (a precert/final pair from a mix of CAs, generated with the pool, "
        f"each appended once; Knot serves their CAA: Let's Encrypt, Google, DigiCert or none), "
        f"`.soak-probe.test`, and random names (NXDOMAIN). Hit share: "
        f"{100 * info['hit_share_expected']:.2g}% of entries (each name renewed every 60 days, "
        f"~3 log entries per issuance, ct-ecosystem.md (c)), i.e. "
        f"{fmt(info.get('hits_wanted'), ',.0f')} certificates for this run"
        + (" (capped by --max-hits: the rest of the run has no new hits)"
           if info.get("hits_wanted", 0) > pool["hit_names"] else "") +
        f"; appended: {fmt(samples[-1].get('hits_appended') if samples else None, ',.0f')}.",
        f"- **caawatch timers scaled by {acc:g}**: `{json.dumps(info['caawatch_config'])}`.",
        "",
        "## Derived figures",
        "",
        "| figure | value |",
        "|---|---|",
        f"| RSS first / last / max | {fmt(d['rss_first_mib'], '.1f')} / {fmt(d['rss_last_mib'], '.1f')} / "
        f"{fmt(d['rss_max_mib'], '.1f')} MiB |",
        f"| RSS slope after warm-up (least squares) | {fmt(d['rss_slope_mib_per_sim_day'], '+.1f')} MiB "
        f"per simulated day |",
        f"| store at the end | {fmt((d['store_last_bytes'] or 0) / 2**20, '.1f')} MiB |",
        f"| store growth after warm-up | {fmt(None if d['store_bytes_per_sim_day'] is None else d['store_bytes_per_sim_day'] / 2**20, ',.1f')} "
        f"MiB per simulated day; {fmt(None if d['store_bytes_per_year'] is None else d['store_bytes_per_year'] / 2**30, ',.1f')} GiB a year at that rate |",
        f"| log growth achieved / target | {fmt(d.get('log_entries_per_s'), ',.0f')} / "
        f"{d['target_entries_per_s']:,.0f} entries/s (ecosystem behind schedule at the end: "
        f"{fmt(d['ecosystem_behind_s'], '.1f')} s) |",
        f"| max lag per log after warm-up | {max(d['max_lag_per_log'].values(), default=0):,} entries "
        f"(worst log); logs still behind at the end: {len(behind)} |",
        f"| alert latency after warm-up: p50 / p99 / max | {fmt(d['latency_p50'], '.3f')} / "
        f"{fmt(d['latency_p99'], '.3f')} / {fmt(d['latency_max'], '.3f')} s over "
        f"{d['probes_alerted']} of {d['probes']} probes; {d['latency_over_goal']} over the "
        f"{GOAL_S:.0f} s goal |",
        f"| alert latency, whole run (start-up included) | {fmt(d['latency_p50_all'], '.3f')} / "
        f"{fmt(d['latency_p99_all'], '.3f')} / {fmt(d['latency_max_all'], '.3f')} s over "
        f"{d['probes_alerted_all']} of {d['probes_all']} probes; {d['latency_over_goal_all']} "
        f"over the goal |",
        f"| caawatch CPU | {fmt(d.get('cpu_cores'), '.3f')} of one core; / {acc:g} = "
        f"**{fmt(d.get('cpu_cores_real_time'), '.4f')} of one core at real time** |",
        "| other processes' CPU (cores) | " + ", ".join(
            f"{k} {v:.3f}" for k, v in d.get("helpers_cores", {}).items()) + " |",
        f"| alerts: subscriber / script sink | {info['alerts_received']} / {info['sink_deliveries']} |",
        f"| findings stored (probes among them) | {info.get('findings', 0)} "
        f"({info.get('findings_probes', 0)}) |",
        f"| CAA polls (`caawatch_caa_polls_total`; one per simulated hour is due) | "
        f"{fmt((samples[-1].get('metrics') or {}).get('caawatch_caa_polls_total') if samples else None, '.0f')} |",
        f"| caawatch metrics at the last sample | "
        f"{json.dumps(samples[-1].get('metrics', {}) if samples else {})} |",
        f"| caawatch ERROR lines other than critical findings | {info['caawatch_error_lines']} |",
        f"| feasibility | caawatch {fmt(d.get('caawatch_us_per_entry'), '.1f')} us of CPU per entry "
        f"(tree-head polls, CAA polls and all included); all processes together "
        f"{fmt(d.get('all_cores'), '.2f')} cores at {acc:g}x: this machine's "
        f"{info['machine']['cores']} cores hold about **{fmt(d.get('acc_max_cpu'), '.0f')}x** for these "
        f"logs if nothing else runs (CPU scaled up to the target rate when the logs fell short); "
        f"the busiest ecosystem writer (one Python thread) holds "
        f"{fmt(d.get('acc_max_writer'), '.0f')}x |",
    ] + retention_lines(d, info) + [
        "",
        "Alert latency is wall time from the publication of the first tree head that covers the "
        f"probe to the alert on the subscriber's stream; the tree-head polling is scaled too "
        f"(every {1000 / acc:.0f} ms), so at real time (1 s polling) up to "
        f"{1 - 1 / acc:.2f} s more of polling phase can add to these figures.",
        "",
        "## Max lag per log after warm-up (entries)",
        "",
        "| log | real entries/s | max lag | lag at the end |",
        "|---|---:|---:|---:|",
    ]
    rates = info["rates_real"]["tiled"] + info["rates_real"]["rfc6962"]
    for name in names:
        number = int(name.split()[-1])
        lines.append(f"| {name} | {rates[number]:.1f} | {d['max_lag_per_log'].get(name, 0):,} | "
                     f"{d['last_lag_per_log'].get(name, 0):,} |")
    lines += ["", "## Plots", ""] + [f"![{p}]({p})" for p in plots]
    lines += ["", "## caawatch status at the end", "", "```", status_text.strip()[:6000], "```"]
    if error_lines:
        lines += ["", "## First ERROR lines of caawatch", "", "```"] + \
                 [l.rstrip()[:300] for l in error_lines] + ["```"]
    lines += ["", "Raw data: `samples.json` (every sample, per-log lag, store by kind, helpers' "
              "CPU), `samples.csv`, `latencies.csv`."]
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return d


def retention_lines(d, info):
    """Table rows for the retention rule's figures (derive_retention), if the run had them."""
    r = d.get("retention")
    if not r:
        return []
    mib = lambda b: fmt(None if b is None else b / 2**20, ",.1f")  # noqa: E731
    rows = [
        f"| tree heads: rule | every head of the last {r['keep_all_sim_h']:g} simulated hours, then "
        f"the first of each {r['history_interval_sim_h']:g} simulated hour(s) (store/SCHEMA.md) |",
        f"| tree heads stored while the window filled | {fmt(r['heads_per_sim_hour'], ',.0f')} per "
        f"simulated hour, all logs ({fmt(None if r['heads_per_sim_hour'] is None else r['heads_per_sim_hour'] / (info['logs_tiled'] + info['logs_rfc6962']) / 3600, '.2f')} per log per simulated second) |",
        f"| tree heads at the end: stored / by the rule | {fmt(r['heads_last'], ',.0f')} / "
        f"{fmt(r.get('heads_expected_last'), ',.0f')} ({mib(r['head_bytes_last'])} MiB, "
        f"{fmt(r.get('bytes_per_head'), '.0f')} bytes a head) |",
    ]
    if r.get("steady_from_sim_h") is not None:
        fam = ", ".join(f"{k.removeprefix('cf:')} {v / 2**20:+.1f}" for k, v in
                        r["family_bytes_per_sim_day"].items() if v is not None and abs(v) >= 2**20)
        rows += [
            f"| steady state (from {r['steady_from_sim_h']:.1f} simulated h: window full, two "
            f"passes since; {r['steady_samples']} samples): tree heads | between "
            f"{r['heads_min']:,} and {r['heads_max']:,} (a pass removes what aged out since the "
            f"last; least-squares slope {fmt(r.get('heads_per_sim_day'), '+,.0f')} per simulated "
            f"day) |",
            f"| steady state: store on disk | {mib(r['store_bytes_per_sim_day'])} MiB per "
            f"simulated day (by family, MiB/day: {fam or 'none over 1'}; tree_heads' bytes include "
            f"deleted heads not yet compacted) |",
            f"| steady state: what is kept grows by | **{mib(r['kept_bytes_per_sim_day'])} MiB per "
            f"simulated day** (every family but tree_heads: findings, certificates, indexes, CAA "
            f"history, ledger) |",
            f"| steady state: RSS | {fmt(r['rss_mib_per_sim_day'], '+.1f')} MiB per simulated day |",
            f"| store after a year, {info['names']:,} names | **{fmt(r['store_bytes_year'] / 2**30, ',.1f')} "
            f"GiB** kept: the heads' window ({fmt((r['heads_last'] or 0) * r.get('bytes_per_head', 0) / 2**20, ',.0f')} MiB) "
            f"+ the other families now + a year at the kept growth + the hourly heads |",
        ]
    else:
        rows.append(f"| steady state | not reached: the run ended before the window "
                    f"({r['keep_all_sim_h']:g} simulated hours) was full and two passes had run |")
    return rows


def lag_allowance(info, name):
    """Entries a log grows in one polling interval and a sample: what 'keeping up' leaves."""
    rates = info["rates_real"]["tiled"] + info["rates_real"]["rfc6962"]
    return rates[int(name.split()[-1])] * info["acceleration"] * 2


if __name__ == "__main__":
    # Writes the report again from a run's samples.json: soak_report.py DIR
    import sys
    with open(os.path.join(sys.argv[1], "samples.json")) as f:
        doc = json.load(f)
    write(sys.argv[1], doc["info"], doc["samples"], doc["latencies"],
          doc.get("status_text", ""), doc.get("error_lines", []))
