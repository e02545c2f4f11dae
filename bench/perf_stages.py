#!/usr/bin/env python3
"""Splits a `perf record --call-graph dwarf` profile of caawatch/tail_bench into pipeline
stages (fetch, JSON, base64, hashing, DER walk, matching, store...). Each sample goes to the
first rule that matches a frame of its stack, innermost frame first for the cross-cutting
rules (hashing, base64, allocation), then by pipeline step.

  perf record -F 800 --call-graph dwarf,16384 -o tail.perf build/bench/tail_bench ...
  bench/perf_stages.py tail.perf
"""
import collections
import subprocess
import sys

# (stage, substrings of a frame), tried in order against every frame of a sample.
CROSS_CUTTING = [
    ("SHA-256 (EVP, incl. per-call EVP_MD_fetch)", ["SHA256", "EVP_Digest", "EVP_Q_digest",
                                                    "EVP_MD_fetch", "sha256", "Sha256"]),
    ("base64 decode", ["AppendBase64Decoded", "DecodeBase64"]),
]
PIPELINE = [
    ("get-entries JSON scan", ["ParseGetEntriesJson", "nlohmann"]),
    ("fetch (curl, kernel, copy)", ["curl_", "CurlHttpFetcher", "HttpLogClient::Fetch",
                                    "TiledLogClient"]),
    ("Merkle fold", ["FoldBatch", "CollapsedTree"]),
    ("decode: chain certificates (ParseIssuerIdentity)", ["ParseIssuerIdentity"]),
    ("decode: precert check (CheckPreCertificate)", ["CheckPreCertificate"]),
    ("names of every entry (ReadLeafMatchNames)", ["ReadLeafMatchNames", "ReadMatchNames"]),
    ("decode: leaf/TBS identity (DER walk, names)", ["DecodeLogEntry", "ParseCertificateIdentity",
                                                     "ParseTbsCertificateIdentity"]),
    ("matching (FindHits)", ["FindHits", "MatchName"]),
    ("CAA evaluation of hits", ["IssuanceEvaluator::Evaluate", "CaaObserver"]),
    ("store (RocksDB commit)", ["rocksdb", "FindingStore", "Commit"]),
]


def main():
    out = subprocess.run(["perf", "script", "-i", sys.argv[1], "-F", "comm,ip,sym"],
                         capture_output=True, text=True).stdout
    cross, pipe, total = collections.Counter(), collections.Counter(), 0
    for sample in out.split("\n\n"):
        # "<ip> <symbol>" lines after the "<comm>" line.
        frames = [l.strip().partition(" ")[2] for l in sample.splitlines()[1:] if l.strip()]
        if not frames:
            continue
        total += 1
        for name, keys in CROSS_CUTTING:
            if any(k in f for f in frames for k in keys):
                cross[name] += 1
                break
        else:
            cross["(rest)"] += 1
        for name, keys in PIPELINE:
            if any(k in f for f in frames for k in keys):
                pipe[name] += 1
                break
        else:
            pipe["other (startup, kernel, threads)"] += 1
    print(f"{total} samples\n\nby pipeline step (inclusive):")
    for name, n in pipe.most_common():
        print(f"  {100 * n / total:5.1f}%  {name}")
    print("\ncross-cutting (a sample counts once, first rule wins):")
    for name, n in cross.most_common():
        print(f"  {100 * n / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
