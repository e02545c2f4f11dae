#!/usr/bin/env python3
"""End-to-end benchmark: caawatch against certspotter 0.16 on one local realistic CT log.

Generates a realistic log with caawatch_test_log (--realistic: precerts and certs with real
signatures, 1-400 SANs, wildcards, IDNs), serves it as RFC 6962 (the test log server, get-entries
capped at 1000 like real logs) and as static-ct-api tiles (nginx), answers every DNS question
NXDOMAIN from a local knotd (a root zone with nothing in it), then alternates, round after round:

  certspotter    certspotter -logs FILE -state_dir ... -watchlist ... -stdout -verbose, from
                 index 0 (its default for a new log); done when it logs "finished downloading
                 entries" (after processing, see monitor.go), then SIGTERM.
  tail           build/bench/tail_bench: caawatch's tailing phase (every part of `run --once`
                 but the CAA poll of every watched name, which runs alongside).
  run --once     `caawatch run --once` end to end (tailing and the CAA poll together).
  prepoll        `caawatch run --once` on an empty log: startup plus the CAA poll alone.
  run --once, poll not due
                 `caawatch run --once` on a copy of the store the prepoll left (its CAA poll
                 ledger shows every name answered minutes ago): a restart, or `run --once` from
                 cron, within the CAA poll interval of the last poll. On the empty log it is
                 the fixed start-up alone (reading the watchlist, the store, the poll ledger).
  busy           certspotter and `caawatch run --once` watching one subtree that many entries
                 hit (--busy-watch, default .com.br: ~7% of the entries), so that the cost per
                 matching certificate (decode, CAA lookups, evaluation, store) shows.

CPU seconds come from wait4() rusage of each child, peak RSS from its VmHWM (polled).
Needs: certspotter (`apt-get install -y certspotter`, Debian 0.16), nginx, knotd, and a build of
caawatch, caawatch_test_log and tail_bench. Not part of the test suite.

  bench/e2e_bench.py --build build --entries 200000 --rounds 2
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

SUFFIXES = ["com", "net", "org", "de", "co.uk", "io", "dev", "fr", "com.br", "jp", "nl", "app"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_of(pid):
    """utime + stime of a live process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_knot(work, records=()):
    """knotd serving a root zone with nothing but `records` (zone-file lines, absolute names):
    every other CAA question gets an authoritative NXDOMAIN."""
    d = os.path.join(work, "knot")
    os.makedirs(d, exist_ok=True)
    port = free_port()
    with open(os.path.join(d, "root.zone"), "w") as f:
        f.write("$ORIGIN .\n$TTL 3600\n@ SOA ns.invalid. hostmaster.invalid. 1 3600 600 86400 300\n"
                "@ NS ns.invalid.\n" + "".join(r + "\n" for r in records))
    with open(os.path.join(d, "knot.conf"), "w") as f:
        f.write(f"""server:
    listen: 127.0.0.1@{port}
    rundir: "{d}"
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: error
database:
    storage: "{d}/db"
template:
  - id: default
    storage: "{d}"
    semantic-checks: off
zone:
  - domain: "."
    file: "root.zone"
""")
    proc = subprocess.Popen(["knotd", "-c", os.path.join(d, "knot.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        out = subprocess.run(["kdig", "@127.0.0.1", "-p", str(port), "+time=1", "SOA", "."],
                             capture_output=True, text=True).stdout
        if "NOERROR" in out:
            return proc, f"127.0.0.1:{port}"
        time.sleep(0.1)
    sys.exit("knotd did not come up")


def start_test_log(build, work, name, args):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    out = open(os.path.join(d, "stdout"), "w+")
    proc = subprocess.Popen([os.path.join(build, "tests/fakes/caawatch_test_log"), "--publish",
                             "--loglist-out", os.path.join(d, "rfc6962.json")] + args,
                            stdout=out, stderr=subprocess.STDOUT, cwd=d)
    while True:
        out.seek(0)
        text = out.read()
        if "serving " in text:
            return proc, d, text
        if proc.poll() is not None:
            sys.exit(f"test log failed:\n{text}")
        time.sleep(0.2)


def measure_server(url_port, size, batch):
    """get-entries alone, sequentially on one connection, as a client that does nothing else."""
    conn = http.client.HTTPConnection("127.0.0.1", url_port)
    start, got, body_bytes = time.monotonic(), 0, 0
    while got < size:
        conn.request("GET", f"/ct/v1/get-entries?start={got}&end={min(size, got + batch) - 1}")
        body = conn.getresponse().read()
        body_bytes += len(body)
        got += body.count(b'"leaf_input"')
    return time.monotonic() - start, body_bytes


def measure_tiles(url_port, root):
    """Every data tile once over one connection (nginx alone)."""
    conn = http.client.HTTPConnection("127.0.0.1", url_port)
    paths = []
    for dirpath, _, files in os.walk(os.path.join(root, "log", "tile", "data")):
        paths += [os.path.relpath(os.path.join(dirpath, f), root) for f in files]
    start, total = time.monotonic(), 0
    for p in paths:
        conn.request("GET", "/" + p)
        total += len(conn.getresponse().read())
    return time.monotonic() - start, total, len(paths)


def write_watchlists(work, sizes, hits):
    """Watchlists of `size` items: the sampled names present in the log, then random names
    (half exact, half subtree items) that match nothing."""
    rng = random.Random(42)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    files = {}
    filler = []
    for size in sorted(sizes):
        while len(filler) < size:
            label = "".join(rng.choice(letters) for _ in range(rng.randint(6, 14)))
            item = f"{label}.{rng.choice(SUFFIXES)}"
            filler.append(("." + item) if len(filler) % 2 else item)
        path = os.path.join(work, f"watchlist-{size}")
        with open(path, "w") as f:
            f.write("\n".join(hits + filler[: size - len(hits)]) + "\n")
        files[size] = path
    return files


def run_child(argv, stdout=subprocess.PIPE, done_marker=None):
    """Runs argv; returns (wall_s, cpu_s, peak_rss_kib, stdout text). With done_marker, the run
    ends when stderr shows it (the child is then sent SIGTERM)."""
    start = time.monotonic()
    err_file = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"e2e-bench-{os.getpid()}.err"),
                    "w+")
    proc = subprocess.Popen(argv, stdout=stdout,
                            stderr=subprocess.PIPE if done_marker else err_file, text=True)
    wall, seen = None, False
    # wait4's ru_maxrss counts the forked (vfork'd) parent's pages before exec; VmHWM of the
    # exec'd image is what we want, read every 20 ms until the child exits.
    peak = [0]
    def poll_hwm():
        while True:  # Never proc.poll(): it would reap the child before wait4.
            try:
                with open(f"/proc/{proc.pid}/status") as f:
                    m = re.search(r"VmHWM:\s+(\d+)", f.read())
            except OSError:
                return
            if not m:
                return  # A zombie: its memory is gone.
            peak[0] = max(peak[0], int(m.group(1)))
            time.sleep(0.02)
    poller = threading.Thread(target=poll_hwm, daemon=True)
    poller.start()
    if done_marker:
        for line in proc.stderr:
            err_file.write(line)
            if done_marker in line:
                wall, seen = time.monotonic() - start, True
                proc.send_signal(signal.SIGTERM)
                break
        err_file.write(proc.stderr.read())
    out = proc.stdout.read() if proc.stdout else ""
    # Reap with waitid(WNOWAIT) first so the poller sees the process until the very end.
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
    _, status, usage = os.wait4(proc.pid, 0)
    if wall is None:
        wall = time.monotonic() - start
    err_file.seek(0)
    err = err_file.read()
    err_file.close()
    if (done_marker is None and status != 0) or (done_marker and not seen):
        sys.exit(f"{argv[0]} failed:\n{err[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, peak[0], out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--work", default="/tmp/caawatch-e2e-bench")
    ap.add_argument("--entries", type=int, default=200000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--names", default="1000,10000,100000,1000000")
    ap.add_argument("--tiled-names", default="1000,1000000")
    ap.add_argument("--certspotter-names", default="1000,10000")
    ap.add_argument("--run-once-names", default="1000,100000,1000000", help="caawatch run --once end to end")
    ap.add_argument("--busy-watch", default=".com.br",
                    help="a watch item many entries hit; empty: no busy runs")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    if shutil.which("certspotter") is None:
        sys.exit("certspotter missing: apt-get install -y certspotter")
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    children = []
    try:
        knot, dns = start_knot(a.work)
        children.append(knot)
        t0 = time.monotonic()
        log, logdir, text = start_test_log(build, a.work, "log", [
            "--realistic", str(a.entries), "--batch-cap", "1000", "--seed", str(a.seed),
            "--names-out", "names.txt", "--tiles-dir", "tiles", "--tiled-loglist-out",
            "tiled.json"])
        children.append(log)
        print(f"generated in {time.monotonic() - t0:.1f} s: " +
              re.search(r"realistic (.*)", text).group(1), flush=True)
        empty, emptydir, _ = start_test_log(build, a.work, "empty", [])
        children.append(empty)
        rfc_list, tiled_list = f"{logdir}/rfc6962.json", f"{logdir}/tiled.json"
        empty_list = f"{emptydir}/rfc6962.json"
        port = int(re.search(r"serving http://127.0.0.1:(\d+)/", text).group(1))
        tiles_port = int(re.search(r"tiles http://127.0.0.1:(\d+)/", text).group(1))
        size = int(re.search(r"published=(\d+)", text).group(1))

        cpu0 = cpu_of(log.pid)
        wall, nbytes = measure_server(port, size, 1000)
        server_cpu = cpu_of(log.pid) - cpu0
        print(f"test log server alone: {size / wall:,.0f} entries/s ({nbytes / wall / 1e6:.0f} MB/s"
              f" of JSON), server CPU {1e6 * server_cpu / size:.1f} us/entry", flush=True)
        wall, nbytes, tiles = measure_tiles(tiles_port, f"{logdir}/tiles")
        print(f"nginx alone: {tiles} data tiles, {size / wall:,.0f} entries/s "
              f"({nbytes / wall / 1e6:.0f} MB/s)", flush=True)

        # The per-log request rate limit (10/s by default) is an operator's courtesy, not a
        # speed: off for a local log, as certspotter 0.16 has none.
        no_rate_limit = os.path.join(a.work, "no-rate-limit.json")
        with open(no_rate_limit, "w") as f:
            f.write('{"max_requests_per_second": 0}\n')
        hits = [l.strip() for l in open(f"{logdir}/names.txt") if l.strip()][:10]
        parse = lambda s: [int(x) for x in s.split(",") if x]
        sizes = set(parse(a.names) + parse(a.tiled_names) + parse(a.certspotter_names) +
                    parse(a.run_once_names))
        watchlists = write_watchlists(a.work, sizes, hits)
        if a.busy_watch:
            watchlists["busy"] = os.path.join(a.work, "watchlist-busy")
            with open(watchlists["busy"], "w") as f:
                f.write(a.busy_watch + "\n")

        plan = []  # Alternating: certspotter next to caawatch at the same size.
        for n in sorted(sizes):
            if n in parse(a.certspotter_names):
                plan.append(("certspotter", "rfc6962", n))
            if n in parse(a.names):
                plan.append(("caawatch tail", "rfc6962", n))
            if n in parse(a.run_once_names):
                plan.append(("caawatch run --once", "rfc6962", n))
                plan.append(("caawatch run --once", "tiled", n))
                plan.append(("caawatch prepoll", "empty", n))
                plan.append(("caawatch run --once, poll not due", "rfc6962", n))
                plan.append(("caawatch run --once, poll not due", "tiled", n))
                plan.append(("caawatch run --once, poll not due", "empty", n))
            if n in parse(a.tiled_names):
                plan.append(("caawatch tail", "tiled", n))
        if a.busy_watch:
            plan.append(("certspotter", "rfc6962", "busy"))
            plan.append(("caawatch run --once", "rfc6962", "busy"))
        results = {}
        for r in range(a.rounds):
            for tool, log_kind, n in plan:
                d = os.path.join(a.work, "state")
                shutil.rmtree(d, ignore_errors=True)
                polled = os.path.join(a.work, f"polled-{n}")  # The store a prepoll left.
                if tool.endswith("poll not due"):
                    shutil.copytree(polled, d)
                else:
                    os.makedirs(d)
                lists = {"rfc6962": rfc_list, "tiled": tiled_list, "empty": empty_list}
                dns_cpu = None  # knotd's CPU during a caawatch run (it answers the CAA poll).
                if tool == "certspotter":
                    wall, cpu, rss, _ = run_child(
                        ["certspotter", "-logs", rfc_list, "-state_dir", d, "-watchlist",
                         watchlists[n], "-stdout", "-verbose"], stdout=subprocess.DEVNULL,
                        done_marker="finished downloading entries")
                    entries = size
                elif tool == "caawatch tail":
                    wall, cpu, rss, out = run_child(
                        [f"{build}/bench/tail_bench", "--log-list", lists[log_kind], "--watchlist",
                         watchlists[n], "--data-dir", d, "--dns-server", dns])
                    figures = json.loads(out.strip().splitlines()[-1])
                    wall, cpu, entries = figures["tail_s"], figures["tail_cpu_s"], size
                else:
                    knot_cpu0 = cpu_of(knot.pid)
                    wall, cpu, rss, _ = run_child(
                        [f"{build}/cli/caawatch", "run", "--once", "--data-dir", d, "--log-list",
                         lists[log_kind], "--watchlist", watchlists[n], "--dns-server", dns,
                         "--dnssec", "off", "--config", no_rate_limit],
                        stdout=subprocess.DEVNULL)
                    entries = 0 if log_kind == "empty" else size
                    dns_cpu = cpu_of(knot.pid) - knot_cpu0
                    if tool == "caawatch prepoll":
                        shutil.rmtree(polled, ignore_errors=True)
                        shutil.copytree(d, polled)
                key = (tool, log_kind, n)
                results.setdefault(key, []).append((wall, cpu, rss, entries))
                rate = f"{entries / wall:>10,.0f} entries/s" if entries else " " * 21
                knotd_note = f"  knotd {dns_cpu:6.2f} CPU s" if dns_cpu is not None else ""
                label = f"{n:>9,} names" if isinstance(n, int) else f"{a.busy_watch:>15}"
                print(f"round {r + 1} {tool:34} {log_kind:8} {label}: {wall:7.2f} s "
                      f"{rate} {cpu:7.2f} CPU s  {rss / 1024:7.1f} MiB peak{knotd_note}", flush=True)
        report(results, size, parse(a.certspotter_names), a.busy_watch)
        with open(os.path.join(a.work, "results.json"), "w") as f:
            json.dump([{"tool": k[0], "log": k[1], "names": k[2], "runs": v}
                       for k, v in results.items()], f, indent=1)
    finally:
        for c in reversed(children):
            c.terminate()
            c.wait()


def report(results, size, cs_names, busy_watch):
    print("\nmedians over rounds (entries/s = entries / wall; CPU per entry = child CPU / entries)")
    print(f"| tool | log | watched names | entries/s | CPU us/entry | cores | peak RSS MiB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    med = {}
    for (tool, log, n), runs in results.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        rss = max(r[2] for r in runs) / 1024
        entries = runs[0][3]
        med[(tool, log, n)] = (wall, entries)
        label = f"{n:,}" if isinstance(n, int) else busy_watch
        if entries:
            print(f"| {tool} | {log} | {label} | {entries / wall:,.0f} | {1e6 * cpu / entries:.1f} "
                  f"| {cpu / wall:.2f} | {rss:.0f} |")
        else:
            print(f"| {tool} | {log} | {label} | ({wall:.2f} s, {1e6 * cpu / n:.1f} us CPU per "
                  f"name) | | {cpu / wall:.2f} | {rss:.0f} |")
    print("\nratios, caawatch / certspotter entries/s (same log, same run, alternating):")
    for n in cs_names + (["busy"] if busy_watch else []):
        cs = med.get(("certspotter", "rfc6962", n))
        label = f"{n:>7,} names" if isinstance(n, int) else busy_watch
        for tool in ("caawatch tail", "caawatch run --once", "caawatch run --once, poll not due"):
            cw = med.get((tool, "rfc6962", n))
            if cs and cw:
                print(f"  {label}: {tool}: {cs[0] / cw[0]:.2f}x")
    print("\nrun --once, poll not due, without its fixed start-up (the same run on the empty log):")
    for (tool, log, n), (wall, entries) in sorted(med.items(), key=str):
        startup = med.get(("caawatch run --once, poll not due", "empty", n))
        if tool.endswith("poll not due") and entries and startup and wall > startup[0]:
            print(f"  {log:8} {n:>9,} names: start-up {startup[0]:.2f} s, then "
                  f"{entries / (wall - startup[0]):,.0f} entries/s")


if __name__ == "__main__":
    main()
