#!/usr/bin/python3
"""Soak: `caawatch run` against a simulated public CT ecosystem, compressed in time.

N static-ct-api logs (files written by bench/soak_ecosystem.py, served by nginx) and M RFC 6962
logs (bench/soak_ecosystem.py's HTTP servers) grow at real per-log rates times --acceleration,
each publishing a signed tree head every simulated second, from a pool of distinct realistic
entries made once by caawatch_test_log's generator; Knot serves the CAA records of the watched
names that occur in the logs (every other watched name gets NXDOMAIN), and caawatch's own timers
(tree-head polling, the hourly CAA poll, re-evaluation, the per-log request budget) are scaled
by the same factor, so one wall second is `acceleration` seconds of the monitor's life. A
subscriber (`caawatch subscribe`) and a script sink receive the alerts; probes (certificates for
fresh watched names under a subtree whose CAA forbids their CA) appear at known times and give
the alert latency. Every --sample the harness records caawatch's RSS, CPU, threads, open files,
store size and each log's lag, and at the end writes report.md, PNG plots and the raw samples.

  bench/soak.py --build build --wall 3m --logs-tiled 4 --logs-rfc6962 2 --names 100000
  bench/soak.py --build build --wall 80m         # the full run: 32 simulated hours

Needs: nginx, knotd, kdig, Debian's python3 with python3-cryptography and python3-matplotlib
(scripts/install-deps.sh; hence /usr/bin/python3, not a python3 earlier in PATH), and a build of
caawatch and caawatch_test_log. Not part of the test suite.
"""

import argparse
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import e2e_bench  # noqa: E402 (its knotd and free port)
SUFFIXES = ["com", "net", "org", "de", "co.uk", "io", "dev", "fr", "com.br", "jp", "nl", "app"]
# docs/ct-ecosystem.md (c), "Estimate (ours)": >= 50 M entries/day across usable logs in 2026,
# i.e. >= 600 entries/s; the largest single logs measured grow 45-130 entries/s (DigiCert
# Wyvern 2026h1 44.6/s, Argon 77/s, Xenon 89/s, DigiCert Sphinx 2026h2 ~130/s).
DEFAULT_TOTAL_RATE = 600.0
# Each watched name is renewed every 60 days (Let's Encrypt renews at 2/3 of its 90-day
# lifetime) and each issuance is ~3 log entries (ct-ecosystem.md (c): 2.5-4 entries per
# certificate): the share of all entries that hit a watchlist of N names.
RENEWAL_DAYS = 60
ENTRIES_PER_ISSUANCE = 3
CAA_MIX = ['issue "letsencrypt.org"', 'issue "pki.goog"', 'issue "digicert.com"', None]


def parse_duration(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)?", text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90s, 3m, 1h)")
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]


def go_duration(seconds):
    return f"{seconds * 1000:.3f}ms"


def proc_stat(pid):
    """(cpu seconds, rss KiB, threads, open fds) of a live process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        with open(f"/proc/{pid}/status") as f:
            status = f.read()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        return cpu, rss, threads, fds
    except (OSError, AttributeError):
        return None


def fd_kinds(pid):
    """Open descriptors by what they are: socket, file (regular, under the data directory or
    elsewhere), pipe, other (eventfd, epoll, ...)."""
    kinds = {}
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            kind = ("socket" if target.startswith("socket:") else "pipe" if
                    target.startswith("pipe:") else "file" if target.startswith("/") else "other")
            kinds[kind] = kinds.get(kind, 0) + 1
    except OSError:
        pass
    return kinds


def tree_cpu(pid):
    """CPU seconds of a process and its children that exited (nginx workers are children)."""
    total = 0.0
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tck = os.sysconf("SC_CLK_TCK")
        total = sum(int(x) for x in fields[11:15]) / tck
        for child in open(f"/proc/{pid}/task/{pid}/children").read().split():
            total += tree_cpu(int(child))
    except OSError:
        pass
    return total


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    return {"cpu_model": model, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1),
            "kernel": platform.release(), "load_at_start": os.getloadavg()}


def log_rates(n_tiled, n_rfc, total, profile_logs, seed):
    """Real entries/s per log. The ecosystem of `profile_logs` logs grows `total` entries/s,
    spread by Zipf weights 1/rank (with the defaults the largest log grows 142/s, near
    Sphinx's ~130/s); a run with fewer logs takes ranks spread evenly over the profile, so that
    it is a sample of the ecosystem, not its largest logs. Ranks are dealt to kinds at random."""
    n = n_tiled + n_rfc
    weights = [1.0 / (i + 1) for i in range(max(profile_logs, n))]
    profile = [total * w / sum(weights) for w in weights]
    rates = [profile[int(i * len(profile) / n)] for i in range(n)]
    kinds = ["tiled"] * n_tiled + ["rfc6962"] * n_rfc
    random.Random(seed).shuffle(kinds)
    tiled = [r for r, k in zip(rates, kinds) if k == "tiled"]
    rfc = [r for r, k in zip(rates, kinds) if k == "rfc6962"]
    return tiled, rfc


def hit_names(count, seed):
    """Names of distinct registered domains for the hit certificates."""
    rng = random.Random(seed * 31 + 7)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    return [f"h{k}{''.join(rng.choice(letters) for _ in range(8))}.{rng.choice(SUFFIXES)}"
            for k in range(count)]


def make_pool(build, work, size, probes, hits, seed):
    """Distinct realistic entries from caawatch_test_log, the probes (a precert/final pair
    each, for a fresh name under soak-probe.test) and the hits (a precert/final pair each for a
    watched name, from a mix of CAs), as JSON; cached by (size, probes, hits, seed)."""
    path = os.path.join(work, f"pool-{size}-{probes}-{hits}-{seed}.json")
    meta_path = path + ".meta"
    if os.path.exists(path) and os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        meta["cached"] = True
        return path, meta
    d = os.path.join(work, "pool-gen")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    argv = [os.path.join(build, "tests/fakes/caawatch_test_log"), "--realistic", str(size),
            "--publish", "--batch-cap", "1000", "--seed", str(seed)]
    for k in range(probes):
        argv += ["--plant", f"p{k}.soak-probe.test:letsencrypt"]
    brands = ["letsencrypt", "letsencrypt", "google", "digicert"]  # Let's Encrypt: most.
    for k, name in enumerate(hit_names(hits, seed)):
        argv += ["--plant", f"{name}:{brands[k % len(brands)]}"]
    stdout_path = os.path.join(d, "stdout")
    # The child writes through its own descriptor: a seek on a shared one would move its writes.
    out = open(stdout_path, "a")
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=d)
    while True:
        with open(stdout_path) as f:
            text = f.read()
        if "serving " in text:
            break
        if proc.poll() is not None:
            sys.exit(f"caawatch_test_log failed:\n{text[-3000:]}")
        time.sleep(0.2)
    wall = time.monotonic() - t0
    cpu = tree_cpu(proc.pid)
    port = int(re.search(r"serving http://127.0.0.1:(\d+)/", text).group(1))
    total = int(re.search(r"published=(\d+)", text).group(1))
    gen_seconds = float(re.search(r"realistic entries=\d+ .* seconds=([\d.e+-]+)", text).group(1))
    planted = {}
    for m in re.finditer(r"planted (\S+) ca=\S+ precert_index=(\d+) final_index=(\d+)", text):
        planted[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    entries = []
    while len(entries) < total:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ct/v1/get-entries?start="
                                    f"{len(entries)}&end={total - 1}") as r:
            entries += [(e["leaf_input"], e["extra_data"]) for e in json.load(r)["entries"]]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ct/v1/get-roots") as r:
        roots = json.load(r)["certificates"]
    proc.terminate()
    proc.wait()
    probe_indexes = {i for pair in planted.values() for i in pair}
    ordered = sorted(planted.items(), key=lambda p: p[1])
    doc = {"roots": roots,
           "entries": [e for i, e in enumerate(entries) if i not in probe_indexes],
           "probes": [{"name": name, "entries": [entries[i] for i in pair]}
                      for name, pair in ordered if name.endswith(".soak-probe.test")],
           "hits": [{"name": name, "entries": [entries[i] for i in pair]}
                    for name, pair in ordered if not name.endswith(".soak-probe.test")]}
    with open(path, "w") as f:
        json.dump(doc, f)
    meta = {"entries": len(doc["entries"]), "probes": len(doc["probes"]),
            "hit_names": [h["name"] for h in doc["hits"]],
            "generation_s": gen_seconds, "wall_s": wall, "cpu_s": cpu,
            "generator_entries_per_s": size / gen_seconds, "cached": False}
    with open(meta_path, "w") as f:
        json.dump(meta, f)
    return path, meta


def start_knot(work, hit_names):
    """knotd authoritative for ".": CAA for the watched names that occur in the logs (a mix of
    CAs, and some with none), a CAA on soak-probe.test that forbids the probes' CA; every other
    name NXDOMAIN."""
    records = ['soak-probe.test. CAA 0 issue "pki.goog"']
    for i, name in enumerate(hit_names):
        caa = CAA_MIX[i % len(CAA_MIX)]
        records.append(f"{name}. CAA 0 {caa}" if caa else f'{name}. TXT "no caa"')
    return e2e_bench.start_knot(work, records)


def start_nginx(work, root):
    d = os.path.join(work, "nginx")
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    port = e2e_bench.free_port()
    conf = ("user root;\n" if os.geteuid() == 0 else "") + f"""worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  default_type application/octet-stream;
"""
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        conf += f"  {temp}_temp_path {d}/tmp/{temp};\n"
    conf += f"  server {{\n    listen 127.0.0.1:{port};\n    root {root};\n    location / {{ }}\n  }}\n}}\n"
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(conf)
    proc = subprocess.Popen(["/usr/sbin/nginx", "-p", d + "/", "-c", f"{d}/nginx.conf", "-e",
                             f"{d}/error.log", "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nginx did not start: {open(os.path.join(d, 'error.log')).read()[-2000:]}")


def write_watchlist(path, names, hit_names, seed):
    """The hit names (exact items), the probes' subtree, then random names (half subtree items)
    that occur in no certificate, up to `names` items."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    items = list(dict.fromkeys(hit_names)) + [".soak-probe.test"]
    with open(path, "w") as f:
        f.write("\n".join(items) + "\n")
        for i in range(max(0, names - len(items))):
            label = "".join(rng.choice(letters) for _ in range(rng.randint(6, 14)))
            f.write(("." if i % 2 else "") + f"{label}.{rng.choice(SUFFIXES)}\n")
    return len(items)


class Subscriber:
    """`caawatch subscribe`: every alert line with the wall time it arrived."""

    def __init__(self, caawatch, addr, path):
        self.alerts = []  # (received wall time, alert JSON)
        self.out = open(path, "w")
        self.proc = subprocess.Popen([caawatch, "subscribe", "--server", addr],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lock = threading.Lock()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.proc.stdout:
            now = time.time()
            self.out.write(f"{now:.3f} {line}")
            try:
                alert = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                self.alerts.append((now, alert))

    def first_seen(self):
        """Name -> first arrival of an alert naming it (any field holding it)."""
        seen = {}
        with self.lock:
            alerts = list(self.alerts)
        for when, alert in alerts:
            for name in re.findall(r"p\d+\.soak-probe\.test", json.dumps(alert)):
                seen.setdefault(name, when)
        return seen


class Ecosystem:
    """Both soak_ecosystem.py processes; probe events gathered from their stdout."""

    def __init__(self):
        self.procs, self.probes, self.lock = [], [], threading.Lock()

    def start(self, argv, log_path):
        err = open(log_path, "w")
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, text=True)
        ready = threading.Event()

        def read():
            for line in proc.stdout:
                event = json.loads(line)
                if event["event"] == "ready":
                    ready.set()
                elif event["event"] == "probe":
                    with self.lock:
                        self.probes.append(event)
        threading.Thread(target=read, daemon=True).start()
        while not ready.wait(0.2):
            if proc.poll() is not None:
                sys.exit(f"{argv[1]} failed: {open(log_path).read()[-3000:]}")
        self.procs.append(proc)
        return proc


def store_sizes(caawatch, data_dir):
    """Bytes on disk per column family (SST files) and of the write-ahead log, from `caawatch
    store stats --json` when the build has it (the format of branch `retain`: {"families":
    [{"family", "keys", "bytes", "sst_bytes", ...}], "wal_bytes", "total_bytes"}), else the
    RocksDB directory by file kind (du). Returns (sizes, keys per family, source)."""
    out = subprocess.run([caawatch, "store", "stats", "--json", "--data-dir", data_dir],
                         capture_output=True, text=True)
    if out.returncode == 0:
        try:
            doc = json.loads(out.stdout)
            sizes = {f"cf:{f['family']}": int(f.get("sst_bytes", f.get("bytes", 0)))
                     for f in doc["families"]}
            sizes["wal"] = int(doc.get("wal_bytes", 0))
            keys = {f["family"]: int(f.get("keys", 0)) for f in doc["families"]}
            return sizes, keys, "store stats"
        except (ValueError, KeyError, TypeError):
            pass
    sizes = {}
    for dirpath, _, files in os.walk(data_dir):
        for name in files:
            try:
                size = os.path.getsize(os.path.join(dirpath, name))
            except OSError:
                continue
            kind = ("sst" if name.endswith(".sst") else "wal" if name.endswith(".log") and
                    name[:-4].isdigit() else "other")
            sizes[kind] = sizes.get(kind, 0) + size
    return sizes, {}, "du"


def scrape_metrics(addr):
    """A few of caawatch's Prometheus counters (summed over labels), {} if /metrics fails."""
    wanted = ("caawatch_caa_polls_total", "caawatch_caa_lookups_total", "caawatch_findings",
              "caawatch_notify_pending", "caawatch_log_fetch_errors_total",
              "caawatch_log_entries_processed_total")
    try:
        with urllib.request.urlopen(f"http://{addr}/metrics", timeout=10) as r:
            text = r.read().decode()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        m = re.match(r"([a-z_]+)(?:\{[^}]*\})? ([0-9.e+-]+)$", line)
        if m and m.group(1) in wanted:
            out[m.group(1)] = out.get(m.group(1), 0) + float(m.group(2))
    return out


def lag_per_log(caawatch, data_dir, sizes):
    """Per log: entries behind the size its log published (from the ecosystem's state) and
    caawatch's own lag_seconds, from `caawatch status --json`."""
    out = subprocess.run([caawatch, "status", "--json", "--data-dir", data_dir],
                         capture_output=True, text=True, timeout=60)
    lags = {}
    for line in out.stdout.splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if not isinstance(row, dict):  # `[]` before any log was tried.
            continue
        name = row.get("description")
        if not isinstance(name, str) or not name.startswith("soak "):
            continue
        position = row.get("position", 0)
        # The ecosystem's size is up to 1 s old; caawatch's own lag_entries is against the
        # last head it saw: the larger of the two.
        lags[name] = {"entries": max(0, sizes.get(name, position) - position,
                                     row.get("lag_entries") or 0),
                      "seconds": row.get("lag_seconds"), "state": row.get("state")}
    for name, size in sizes.items():  # Not started yet (the first CAA poll runs first).
        lags.setdefault(name, {"entries": size, "seconds": None, "state": "not started"})
    return lags


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--work", default="/tmp/caawatch-soak")
    ap.add_argument("--out", default="", help="report directory (default WORK/report)")
    ap.add_argument("--wall", type=parse_duration, default="80m",
                    help="wall time of the run (80m at 24x: 32 simulated hours)")
    ap.add_argument("--sample", type=parse_duration, default="60s")
    ap.add_argument("--acceleration", type=float, default=24.0)
    ap.add_argument("--logs-tiled", type=int, default=30)
    ap.add_argument("--logs-rfc6962", type=int, default=8)
    ap.add_argument("--total-rate", type=float, default=DEFAULT_TOTAL_RATE,
                    help="real entries/s across all logs (ct-ecosystem.md: >= 600 in 2026)")
    ap.add_argument("--profile-logs", type=int, default=38,
                    help="logs the --total-rate is spread over (fewer --logs-*: a sample)")
    ap.add_argument("--names", type=int, default=1000000, help="watchlist size")
    ap.add_argument("--pool", type=int, default=20000, help="distinct realistic entries")
    ap.add_argument("--max-hits", type=int, default=30000,
                    help="distinct hit certificates generated at most (~1-2 ms each)")
    ap.add_argument("--probe-every", type=parse_duration, default="10s",
                    help="wall time between probes (alert latency samples)")
    ap.add_argument("--keep-tiles", type=int, default=512,
                    help="full data tiles kept per tiled log (older ones deleted: disk)")
    ap.add_argument("--keep-all-heads-hours", type=float, default=24.0,
                    help="keep_all_tree_heads_for in simulated hours (caawatch's default 24): "
                         "less shows the retention's steady state in a shorter run")
    ap.add_argument("--warmup", type=float, default=0.25,
                    help="share of the run left out of the RSS slope and lag figures")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    caawatch = os.path.join(build, "cli/caawatch")
    acc = a.acceleration
    os.makedirs(a.work, exist_ok=True)
    run_dir = os.path.join(a.work, "run")
    shutil.rmtree(run_dir, ignore_errors=True)
    os.makedirs(run_dir)
    out_dir = os.path.abspath(a.out or os.path.join(a.work, "report"))
    os.makedirs(out_dir, exist_ok=True)
    info = {"command": " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:]),
            "machine": machine(), "acceleration": acc, "wall_s": a.wall, "sample_s": a.sample,
            "logs_tiled": a.logs_tiled, "logs_rfc6962": a.logs_rfc6962, "names": a.names,
            "total_rate_real": a.total_rate, "warmup": a.warmup, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                         time.gmtime())}
    print(f"soak: {info['command']}", flush=True)

    probes = int(a.wall / a.probe_every) + 2
    t0 = time.monotonic()
    tiled_rates, rfc_rates = log_rates(a.logs_tiled, a.logs_rfc6962, a.total_rate,
                                       a.profile_logs, a.seed)
    info["rates_real"] = {"tiled": tiled_rates, "rfc6962": rfc_rates}
    share = a.names * ENTRIES_PER_ISSUANCE / RENEWAL_DAYS / (a.total_rate * 86400)
    info["hit_share_expected"] = share
    # Distinct hit certificates (pairs) for the whole run at that share, at most --max-hits.
    wanted = math.ceil(share * (sum(tiled_rates) + sum(rfc_rates)) * acc * a.wall / 2)
    pool_path, pool = make_pool(build, a.work, a.pool, probes, min(wanted, a.max_hits), a.seed)
    info["pool"] = {k: v for k, v in pool.items() if k != "hit_names"}
    info["pool"]["hit_names"] = len(pool["hit_names"])
    info["hits_wanted"] = wanted
    print(f"pool: {pool['entries']} entries, {pool['probes']} probes, {len(pool['hit_names'])} "
          f"hit names; generator {pool['generator_entries_per_s']:,.0f} entries/s "
          f"({'cached' if pool['cached'] else f'{time.monotonic() - t0:.0f} s'})", flush=True)
    children = []
    try:
        knot, dns = start_knot(run_dir, pool["hit_names"])
        children.append(knot)
        tiles_root = os.path.join(run_dir, "tiles")
        os.makedirs(tiles_root)
        nginx, tiles_url = start_nginx(run_dir, tiles_root)
        children.append(nginx)
        eco = Ecosystem()
        probe_times = [a.probe_every * (k + 1) for k in range(probes)]
        kinds = []
        if a.logs_tiled:
            kinds.append(("tiled", tiled_rates, 0))
        if a.logs_rfc6962:
            kinds.append(("rfc6962", rfc_rates, a.logs_tiled))
        # Probes alternate between the two processes; the hits are shared by their rates.
        all_rates = sum(tiled_rates) + sum(rfc_rates)
        hit_split = [0]
        for _, rates, _ in kinds:
            hit_split.append(hit_split[-1] + round(len(pool["hit_names"]) * sum(rates) / all_rates))
        hit_split[-1] = len(pool["hit_names"])
        for k, (kind, rates, first) in enumerate(kinds):
            mine = probe_times[k::len(kinds)]
            proc = eco.start([sys.executable, os.path.join(HERE, "soak_ecosystem.py"), "--kind",
                              kind, "--pool", pool_path, "--rates",
                              ",".join(f"{r:.3f}" for r in rates), "--first-number",
                              str(first), "--acceleration", str(acc), "--dir", tiles_root,
                              "--tiles-url", tiles_url, "--keep-tiles", str(a.keep_tiles),
                              "--probe-times", ",".join(f"{t:.3f}" for t in mine),
                              "--probe-offset", str(k), "--probe-stride", str(len(kinds)),
                              "--hit-share", str(share),
                              "--hit-range", f"{hit_split[k]}:{hit_split[k + 1]}",
                              "--status", os.path.join(run_dir, f"status-{kind}.json"),
                              "--seed", str(a.seed)], os.path.join(run_dir, f"eco-{kind}.log"))
            children.append(proc)
        operators = []
        for kind, _, _ in kinds:
            with open(os.path.join(tiles_root, f"loglist-{kind}.json")) as f:
                operators += json.load(f)["operators"]
        log_list = os.path.join(run_dir, "loglist.json")
        with open(log_list, "w") as f:
            json.dump({"version": "1.0", "log_list_timestamp": "2026-01-01T00:00:00Z",
                       "operators": operators}, f, indent=1)

        watchlist = os.path.join(run_dir, "watchlist.txt")
        write_watchlist(watchlist, a.names, pool["hit_names"], a.seed)
        # caawatch's clocks, scaled: one wall second is `acc` seconds of its life.
        config = {"sth_poll_interval": go_duration(1 / acc),
                  "caa_poll_interval": go_duration(3600 / acc),
                  "reevaluate_interval": go_duration(30 / acc),
                  "max_requests_per_second": 10 * acc,
                  # The retention rule (SCHEMA.md): every head of the last 24 hours (by
                  # default; --keep-all-heads-hours), then one an hour. The raw CAA answers'
                  # 90 days (at least 24 h) are not reached in a run of hours.
                  "keep_all_tree_heads_for": go_duration(a.keep_all_heads_hours * 3600 / acc),
                  "tree_head_history_interval": go_duration(3600 / acc)}
        info["caawatch_config"] = config
        with open(os.path.join(run_dir, "config.json"), "w") as f:
            json.dump(config, f)
        sink_log = os.path.join(run_dir, "sink.log")
        sink = os.path.join(run_dir, "sink.sh")
        with open(sink, "w") as f:
            f.write(f'#!/bin/sh\necho "$(date +%s.%N) $EVENT $WATCH_ITEM" >> {sink_log}\n')
        os.chmod(sink, 0o755)
        data_dir = os.path.join(run_dir, "data")
        grpc = f"127.0.0.1:{e2e_bench.free_port()}"
        metrics = f"127.0.0.1:{e2e_bench.free_port()}"
        cw_err = open(os.path.join(run_dir, "caawatch.log"), "w")
        cw = subprocess.Popen([caawatch, "run", "--data-dir", data_dir, "--log-list", log_list,
                               "--watchlist", watchlist, "--dns-server", dns, "--dnssec", "off",
                               "--config", os.path.join(run_dir, "config.json"), "--grpc-listen",
                               grpc, "--metrics-listen", metrics, "--script", sink],
                              stdout=subprocess.DEVNULL, stderr=cw_err)
        children.append(cw)
        start_wall, start_mono = time.time(), time.monotonic()
        sub = None
        for _ in range(300):  # The subscriber once the monitor serves gRPC.
            if cw.poll() is not None:
                sys.exit(f"caawatch run exited: {open(cw_err.name).read()[-3000:]}")
            if os.path.exists(os.path.join(data_dir, "holder")):
                sub = Subscriber(caawatch, grpc, os.path.join(run_dir, "alerts.jsonl"))
                children.append(sub.proc)
                break
            time.sleep(0.1)
        if sub is None:
            sys.exit("caawatch run did not start serving gRPC")

        samples, prev = [], None
        helpers = {"knotd": knot.pid, "nginx": nginx.pid}
        for k, p in zip([k[0] for k in kinds], eco.procs):
            helpers[f"ecosystem-{k}"] = p.pid
        next_sample = start_mono
        while True:
            now = time.monotonic()
            stat = proc_stat(cw.pid)
            if stat is None or cw.poll() is not None:
                info["caawatch_exited"] = cw.returncode
                break
            eco_state = {}
            for kind, _, _ in kinds:
                try:
                    with open(os.path.join(run_dir, f"status-{kind}.json")) as f:
                        eco_state[kind] = json.load(f)
                except (OSError, ValueError):
                    pass
            sizes = {}
            for st in eco_state.values():
                sizes.update(st["sizes"])
            store, store_keys, store_source = store_sizes(caawatch, data_dir)
            try:
                lags = lag_per_log(caawatch, data_dir, sizes)
            except subprocess.TimeoutExpired:
                lags = {}
            cpu, rss, threads, fds = stat
            sample = {"wall_s": now - start_mono, "sim_h": (now - start_mono) * acc / 3600,
                      "rss_mib": rss / 1024, "cpu_s": cpu, "threads": threads, "open_files": fds,
                      "open_files_by_kind": fd_kinds(cw.pid),
                      "store": store, "store_keys": store_keys, "store_source": store_source,
                      "store_bytes": sum(store.values()), "lag": lags,
                      "log_entries": sum(sizes.values()),
                      "helpers_cpu_s": {k: tree_cpu(p) for k, p in helpers.items()},
                      "hits_appended": sum(st.get("hits_appended", 0) for st in eco_state.values()),
                      "ecosystem_behind_s": max([s.get("schedule_behind_s", 0)
                                                 for s in eco_state.values()] or [0]),
                      "metrics": scrape_metrics(metrics),
                      "ecosystem_busy": {k: st.get("busy_fraction", 0)
                                         for k, st in eco_state.items()},
                      "alerts": len(sub.alerts)}
            if prev:
                dt = sample["wall_s"] - prev["wall_s"]
                sample["cpu_cores"] = (cpu - prev["cpu_s"]) / dt
            samples.append(sample)
            prev = sample
            max_lag = max([l["entries"] for l in lags.values()] or [0])
            print(f"{sample['wall_s']:7.0f} s  sim {sample['sim_h']:6.2f} h  RSS "
                  f"{sample['rss_mib']:6.1f} MiB  CPU {sample.get('cpu_cores', 0):4.2f} cores  "
                  f"threads {threads}  fds {fds}  store {sample['store_bytes'] / 2**20:7.1f} MiB  "
                  f"max lag {max_lag:,} entries  alerts {len(sub.alerts)}", flush=True)
            if now - start_mono >= a.wall:
                break
            next_sample += a.sample
            time.sleep(max(0.0, min(next_sample, start_mono + a.wall) - time.monotonic()))
        info["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        seen = sub.first_seen()
        with eco.lock:
            events = list(eco.probes)
        latencies = []
        for e in events:
            when = seen.get(e["name"])
            latencies.append({"name": e["name"], "log": e["log"], "published": e["published"],
                              "sim_h": (e["published"] - start_wall) * acc / 3600,
                              "latency_s": None if when is None else when - e["published"]})
        sink_lines = open(sink_log).read().splitlines() if os.path.exists(sink_log) else []
        info["sink_deliveries"] = len(sink_lines)
        info["alerts_received"] = len(sub.alerts)
        status_text = subprocess.run([caawatch, "status", "--data-dir", data_dir, "--config",
                                      os.path.join(run_dir, "config.json")],
                                     capture_output=True, text=True).stdout
        findings = subprocess.run([caawatch, "findings", "--json", "--limit", "100000000",
                                   "--data-dir", data_dir], capture_output=True, text=True).stdout
        info["findings"] = sum(1 for l in findings.splitlines() if l.startswith("{"))
        info["findings_probes"] = sum(1 for l in findings.splitlines() if "soak-probe.test" in l)
    finally:
        for c in reversed(children):
            if c.poll() is None:
                c.terminate()
                try:
                    c.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    c.kill()
    with open(os.path.join(run_dir, "caawatch.log")) as f:
        log_text = f.read()
    # Every critical finding is logged at ERROR (README); the rest are errors of the run.
    errors = [l for l in log_text.splitlines()
              if " ERROR " in l[:60] and not re.search(r": finding \d+ ", l)]
    info["caa_polls"] = len(re.findall(r"caa: poll done: [1-9]\d* of", log_text))
    info["caa_polls_started"] = len(re.findall(r"caa: poll progress: 100000 of", log_text))
    info["caawatch_error_lines"] = len(errors)
    info["caawatch_version"] = subprocess.run([caawatch, "--version"], capture_output=True,
                                              text=True).stdout.strip()
    import soak_report  # Next to this file; imports matplotlib only now.
    soak_report.write(out_dir, info, samples, latencies, status_text, errors[:20])
    print(f"report: {out_dir}/report.md", flush=True)


if __name__ == "__main__":
    main()
