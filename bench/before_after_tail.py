#!/usr/bin/env python3
"""Before/after of a change to the tailing path: tail_bench of two builds, alternating, on one
realistic local log served as RFC 6962 and as static-ct-api tiles, with a few sampled watched
names (few hits) and with one busy subtree (.com.br, ~7% of the entries hit). Uses the helpers
of e2e_bench.py (same log, same knotd, same tail_bench); prints the medians and their ratios.

  bench/before_after_tail.py --before ../main/build --after build --entries 100000 --rounds 2
"""
import argparse
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--work", default="/tmp/caawatch-before-after")
    ap.add_argument("--entries", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    children = []
    try:
        knot, dns = e2e_bench.start_knot(a.work)
        children.append(knot)
        log, logdir, text = e2e_bench.start_test_log(os.path.abspath(a.after), a.work, "log", [
            "--realistic", str(a.entries), "--batch-cap", "1000", "--seed", str(a.seed),
            "--names-out", "names.txt", "--tiles-dir", "tiles", "--tiled-loglist-out",
            "tiled.json"])
        children.append(log)
        lists = {"rfc6962": f"{logdir}/rfc6962.json", "tiled": f"{logdir}/tiled.json"}
        hits = [l.strip() for l in open(f"{logdir}/names.txt") if l.strip()][:10]
        watchlists = e2e_bench.write_watchlists(a.work, {1000}, hits)
        watchlists["busy"] = os.path.join(a.work, "watchlist-busy")
        with open(watchlists["busy"], "w") as f:
            f.write(".com.br\n")
        results = {}
        for r in range(a.rounds):
            for kind in ("rfc6962", "tiled"):
                for names in (1000, "busy"):
                    for label, build in (("before", a.before), ("after", a.after)):
                        d = os.path.join(a.work, "state")
                        shutil.rmtree(d, ignore_errors=True)
                        os.makedirs(d)
                        _, _, rss, out = e2e_bench.run_child(
                            [f"{os.path.abspath(build)}/bench/tail_bench", "--log-list",
                             lists[kind], "--watchlist", watchlists[names], "--data-dir", d,
                             "--dns-server", dns])
                        fig = e2e_bench.json.loads(out.strip().splitlines()[-1])
                        rate = a.entries / fig["tail_s"]
                        results.setdefault((kind, names, label), []).append(
                            (rate, fig["tail_cpu_s"], rss))
                        print(f"round {r + 1} {kind:8} {names!s:>5} {label:6}: {rate:10,.0f} "
                              f"entries/s {fig['tail_cpu_s']:6.2f} CPU s {rss / 1024:6.1f} MiB",
                              flush=True)
        print("\nmedians (after/before)")
        for kind in ("rfc6962", "tiled"):
            for names in (1000, "busy"):
                b = results[(kind, names, "before")]
                f = results[(kind, names, "after")]
                br, fr = statistics.median(x[0] for x in b), statistics.median(x[0] for x in f)
                bc, fc = statistics.median(x[1] for x in b), statistics.median(x[1] for x in f)
                bm, fm = statistics.median(x[2] for x in b), statistics.median(x[2] for x in f)
                print(f"{kind:8} {names!s:>5}: {br:10,.0f} -> {fr:10,.0f} entries/s "
                      f"({fr / br:.2f}x), CPU {bc:.2f} -> {fc:.2f} s ({fc / bc:.2f}x), "
                      f"peak {bm / 1024:.0f} -> {fm / 1024:.0f} MiB")
    finally:
        for c in reversed(children):
            c.terminate()


if __name__ == "__main__":
    main()
