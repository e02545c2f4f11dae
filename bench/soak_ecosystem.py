#!/usr/bin/python3
"""The simulated CT logs of bench/soak.py: several logs of one kind growing on a schedule.

One process serves every log of one kind (two processes, so that the kinds do not share a GIL):
  --kind tiled     static-ct-api files (checkpoint, data tiles, hash tiles, issuers) written
                   under --dir/logN/, served by the nginx that soak.py starts;
  --kind rfc6962   RFC 6962 (get-sth, get-entries capped at --batch-cap, get-sth-consistency,
                   get-roots) on one HTTP port per log.

Entries are not generated here: caawatch_test_log's realistic generator costs ~1 ms of CPU per
certificate (bench/README.md), far below the rates simulated, so soak.py generates a pool of
distinct realistic entries once and every log cycles through it from its own offset. Each
appended entry gets the time of its tick as its MerkleTreeLeaf timestamp, so every leaf (and
leaf hash) is new even when its certificate recurs. Probes (certificates for fresh watched
names, never recycled) are appended at scheduled wall times for the alert latency.

Every tick (1/--acceleration s of wall time: one simulated second) each log appends rate
entries (fractions carried) and publishes a signed tree head: a checkpoint file written last,
or the get-sth answer. State lines go to --status (JSON, rewritten each second) and events
(probes published) to stdout as JSON lines. Bounded: per entry 12 bytes of index and the tree's
hashes (~64 bytes) in memory; data tiles older than --keep-tiles full tiles behind a tiled log's
head are deleted (the monitor has read them unless it lags by that much, which the report shows).
"""

import argparse
import array
import base64
import hashlib
import http.server
import json
import os
import random
import sys
import threading
import time
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

WIDTH = 256  # tlog-tiles


def sha256(b):
    return hashlib.sha256(b).digest()


def node(left, right):
    return sha256(b"\x01" + left + right)


def index_path(n):
    groups = []
    while True:
        groups.insert(0, f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    return "/".join(["x" + g for g in groups[:-1]] + groups[-1:])


def tile_path(kind, n, width):
    p = f"tile/{kind}/{index_path(n)}"
    return p + (f".p/{width}" if width < WIDTH else "")


def write_atomically(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def remove_partials(partial_dir):
    """A full tile exists: its partials go (tlog-tiles allows it), or the files pile up."""
    if os.path.isdir(partial_dir):
        for f in os.listdir(partial_dir):
            os.unlink(os.path.join(partial_dir, f))
        os.rmdir(partial_dir)


class Pool:
    """The pool soak.py wrote: entries as (leaf tail after the timestamp, extra_data, tile
    suffix); then the probes' entries, then the hits' (certificates for watched names, each
    appended once, at the hit share)."""

    def __init__(self, path):
        with open(path) as f:
            doc = json.load(f)
        self.roots = [base64.b64decode(r) for r in doc["roots"]]
        self.tails, self.extras_b64, self.tile_suffixes = [], [], []
        self.issuers = {}
        self.size = len(doc["entries"])
        extra = doc["probes"] + doc.get("hits", [])
        for leaf_b64, extra_b64 in doc["entries"] + [e for p in extra for e in p["entries"]]:
            leaf, extra = base64.b64decode(leaf_b64), base64.b64decode(extra_b64)
            self.tails.append(leaf[10:])
            self.extras_b64.append(extra_b64)
            self.tile_suffixes.append(self.tile_suffix(leaf, extra))
        self.probes, self.hits = [], []  # (name, [pool indexes]) each
        i = self.size
        for kind, items in ((self.probes, doc["probes"]), (self.hits, doc.get("hits", []))):
            for p in items:
                kind.append((p["name"], list(range(i, i + len(p["entries"])))))
                i += len(p["entries"])

    def tile_suffix(self, leaf, extra):
        """What a static-ct-api TileLeaf adds after the TimestampedEntry: the pre_certificate
        (precert entries) and the issuers' fingerprints (tests/fakes/static_ct_files.cc)."""
        precert = leaf[10:12] == b"\x00\x01"
        pos, out = 0, b""
        if precert:
            n = int.from_bytes(extra[0:3], "big")
            out += extra[0:3 + n]
            pos = 3 + n
        chain_len = int.from_bytes(extra[pos:pos + 3], "big")
        chain, fps = extra[pos + 3:pos + 3 + chain_len], []
        while chain:
            n = int.from_bytes(chain[:3], "big")
            cert = chain[3:3 + n]
            fp = sha256(cert)
            self.issuers[fp.hex()] = cert
            fps.append(fp)
            chain = chain[3 + n:]
        return out + (32 * len(fps)).to_bytes(2, "big") + b"".join(fps)


class Tree:
    """Every level of the Merkle tree: levels[k] holds the roots of the aligned complete
    subtrees of 2^k leaves, enough for roots and consistency proofs in O(log^2 n)."""

    def __init__(self):
        self.levels = [bytearray()]

    def size(self):
        return len(self.levels[0]) // 32

    def h(self, k, i):
        return bytes(self.levels[k][32 * i:32 * i + 32])

    def append(self, leaf_hash):
        self.levels[0] += leaf_hash
        k, n = 0, self.size()
        while n % 2 == 0 and n > 0:  # The new leaf completes subtrees of 2, 4, ... leaves.
            if len(self.levels) == k + 1:
                self.levels.append(bytearray())
            count = len(self.levels[k]) // 32
            self.levels[k + 1] += node(self.h(k, count - 2), self.h(k, count - 1))
            k, n = k + 1, n // 2

    def mth(self, lo, hi):
        n = hi - lo
        if n == 0:
            return sha256(b"")
        if n & (n - 1) == 0 and lo % n == 0:
            return self.h(n.bit_length() - 1, lo // n)
        k = 1 << ((n - 1).bit_length() - 1)
        return node(self.mth(lo, lo + k), self.mth(lo + k, hi))

    def consistency(self, m, n):
        def sub(m, lo, hi, b):
            size = hi - lo
            if m == size:
                return [] if b else [self.mth(lo, hi)]
            k = 1 << ((size - 1).bit_length() - 1)
            if m <= k:
                return sub(m, lo, lo + k, b) + [self.mth(lo + k, hi)]
            return sub(m - k, lo + k, hi, False) + [self.mth(lo, lo + k)]
        return sub(m, 0, n, True)


class Log:
    def __init__(self, number, kind, rate, pool, seed, origin):
        self.number, self.kind, self.rate, self.pool = number, kind, rate, pool
        self.key = ec.derive_private_key(seed * 1000003 + number + 1, ec.SECP256R1())
        self.spki = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.log_id = sha256(self.spki)
        self.origin = origin
        self.offset = random.Random(seed * 7 + number).randrange(pool.size)
        self.pool_index = array.array("I")
        self.timestamps = array.array("Q")
        self.tree = Tree()
        self.carry = 0.0
        self.hit_carry = 0.0
        self.hits_appended = 0
        self.next_pool = 0
        self.lock = threading.Lock()
        self.sth = None  # (size, timestamp_ms, root, digitally_signed)
        self.published = 0
        self.data_tiles_written = 0  # Full data tiles on disk so far.
        self.hash_tiles_written = {}  # Tile level -> full tiles written.
        self.leaf_cache = []  # Tile leaves of the partial data tile (write_tiles).

    def leaf(self, i):
        return (b"\x00\x00" + self.timestamps[i].to_bytes(8, "big") +
                self.pool.tails[self.pool_index[i]])

    def append(self, pool_index, ts_ms):
        self.pool_index.append(pool_index)
        self.timestamps.append(ts_ms)
        self.tree.append(sha256(b"\x00" + self.leaf(len(self.pool_index) - 1)))

    def grow(self, ts_ms, hits, hit_share):
        """One simulated second: rate entries, of which hit_share are distinct certificates for
        watched names taken from `hits` (a precert/final pair each) while it lasts."""
        self.carry += self.rate
        n = int(self.carry)
        self.carry -= n
        self.hit_carry += n * hit_share
        added = 0
        while self.hit_carry >= 2 and hits and added + 2 <= n:
            _, indexes = hits.pop()
            for pi in indexes:
                self.append(pi, ts_ms)
            added += len(indexes)
            self.hit_carry -= len(indexes)
            self.hits_appended += 1
        for _ in range(n - added):
            self.append((self.offset + self.next_pool) % self.pool.size, ts_ms)
            self.next_pool += 1
        return n

    def sign(self, size, ts_ms, root):
        tbs = b"\x00\x01" + ts_ms.to_bytes(8, "big") + size.to_bytes(8, "big") + root
        sig = self.key.sign(tbs, ec.ECDSA(hashes.SHA256()))
        return b"\x04\x03" + len(sig).to_bytes(2, "big") + sig

    def publish(self, ts_ms):
        size = self.tree.size()
        root = self.tree.mth(0, size)
        sth = (size, ts_ms, root, self.sign(size, ts_ms, root))
        with self.lock:
            self.sth = sth
            self.published = size
        return sth

    # static-ct-api files -------------------------------------------------------------------
    def tile_leaf(self, i):
        return (self.timestamps[i].to_bytes(8, "big") + self.pool.tails[self.pool_index[i]] +
                self.pool.tile_suffixes[self.pool_index[i]])

    def write_tiles(self, root_dir, keep_tiles):
        d = os.path.join(root_dir, f"log{self.number}")
        size = self.tree.size()
        full = size // WIDTH
        # The tile leaves from the first entry of the oldest unwritten tile on, made once each.
        first = self.data_tiles_written * WIDTH
        self.leaf_cache += [self.tile_leaf(i) for i in range(first + len(self.leaf_cache), size)]
        for t in range(self.data_tiles_written, full):
            write_atomically(os.path.join(d, tile_path("data", t, WIDTH)),
                             b"".join(self.leaf_cache[:WIDTH]))
            del self.leaf_cache[:WIDTH]
            remove_partials(os.path.join(d, tile_path("data", t, WIDTH) + ".p"))
            old = t - keep_tiles
            if old >= 0:
                try:
                    os.unlink(os.path.join(d, tile_path("data", old, WIDTH)))
                except FileNotFoundError:
                    pass
        self.data_tiles_written = full
        if size % WIDTH:
            write_atomically(os.path.join(d, tile_path("data", full, size % WIDTH)),
                             b"".join(self.leaf_cache))
        # Hash tiles: tile level L holds binary level 8L.
        level = 0
        while 8 * level < len(self.tree.levels):
            hashes = self.tree.levels[8 * level]
            count = len(hashes) // 32
            if count == 0:
                break
            done = self.hash_tiles_written.get(level, 0)
            for t in range(done, count // WIDTH):
                write_atomically(os.path.join(d, tile_path(str(level), t, WIDTH)),
                                 bytes(hashes[32 * WIDTH * t:32 * WIDTH * (t + 1)]))
                remove_partials(os.path.join(d, tile_path(str(level), t, WIDTH) + ".p"))
            self.hash_tiles_written[level] = count // WIDTH
            if count % WIDTH:
                t = count // WIDTH
                write_atomically(os.path.join(d, tile_path(str(level), t, count % WIDTH)),
                                 bytes(hashes[32 * WIDTH * t:]))
            level += 1

    def checkpoint_note(self, sth):
        size, ts_ms, root, signed = sth
        key_hash = sha256(self.origin.encode() + b"\n\x05" + self.log_id)
        sig = key_hash[:4] + ts_ms.to_bytes(8, "big") + signed
        note = f"{self.origin}\n{size}\n{base64.b64encode(root).decode()}\n\n"
        return note + f"\u2014 {self.origin} {base64.b64encode(sig).decode()}\n"

    # RFC 6962 ------------------------------------------------------------------------------
    def handle(self, path, query, batch_cap):
        with self.lock:
            sth, published = self.sth, self.published
        if path == "/ct/v1/get-sth":
            size, ts_ms, root, signed = sth
            return {"tree_size": size, "timestamp": ts_ms,
                    "sha256_root_hash": base64.b64encode(root).decode(),
                    "tree_head_signature": base64.b64encode(signed).decode()}
        if path == "/ct/v1/get-entries":
            start, end = int(query["start"][0]), int(query["end"][0])
            if start > end or start >= published:
                return None
            end = min(end, published - 1, start + batch_cap - 1)
            return ('{"entries":[' + ",".join(
                '{"leaf_input":"%s","extra_data":"%s"}' %
                (base64.b64encode(self.leaf(i)).decode(),
                 self.pool.extras_b64[self.pool_index[i]]) for i in range(start, end + 1)) + "]}")
        if path == "/ct/v1/get-sth-consistency":
            first, second = int(query["first"][0]), int(query["second"][0])
            if not 0 < first <= second <= published:
                return None
            return {"consistency": [base64.b64encode(h).decode()
                                    for h in self.tree.consistency(first, second)]}
        if path == "/ct/v1/get-roots":
            return {"certificates": [base64.b64encode(r).decode() for r in self.pool.roots]}
        return None


def serve_rfc6962(log, batch_cap):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            try:
                answer = log.handle(url.path, urllib.parse.parse_qs(url.query), batch_cap)
            except (KeyError, ValueError):
                answer = None
            if answer is None:
                body, code = b'{"error":"bad request"}', 400
            else:
                body = (answer if isinstance(answer, str) else json.dumps(answer)).encode()
                code = 200
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def log_list_entry(log, url_key, url):
    entry = {"description": f"soak {log.kind} log {log.number}",
             "log_id": base64.b64encode(log.log_id).decode(),
             "key": base64.b64encode(log.spki).decode(), url_key: url, "mmd": 60 if
             log.kind == "tiled" else 86400,
             "state": {"usable": {"timestamp": "2026-01-01T00:00:00Z"}}}
    if log.kind == "tiled":
        entry["submission_url"] = f"https://{log.origin}/"
    return entry


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kind", choices=["tiled", "rfc6962"], required=True)
    ap.add_argument("--pool", required=True, help="pool JSON written by soak.py")
    ap.add_argument("--rates", required=True,
                    help="comma list: entries per simulated second (= real entries/s) per log")
    ap.add_argument("--first-number", type=int, default=0, help="number of the first log")
    ap.add_argument("--acceleration", type=float, default=24)
    ap.add_argument("--dir", required=True, help="tiled: root nginx serves; both: log list")
    ap.add_argument("--tiles-url", default="", help="tiled: nginx URL of --dir")
    ap.add_argument("--batch-cap", type=int, default=256)
    ap.add_argument("--keep-tiles", type=int, default=512, help="full data tiles kept per log")
    ap.add_argument("--probe-times", default="", help="comma list of wall offsets (s) for probes")
    ap.add_argument("--hit-share", type=float, default=0.0,
                    help="share of the entries that are the pool's distinct hits")
    ap.add_argument("--hit-range", default="", help="FIRST:END: this process's pool hits")
    ap.add_argument("--probe-offset", type=int, default=0, help="this process's probes: every")
    ap.add_argument("--probe-stride", type=int, default=1, help="stride-th from offset")
    ap.add_argument("--status", required=True, help="JSON state file, rewritten every second")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    pool = Pool(a.pool)
    rates = [float(r) for r in a.rates.split(",") if r]
    logs = [Log(a.first_number + i, a.kind, r, pool, a.seed,
                f"soak{a.first_number + i}.caawatch.test/log") for i, r in enumerate(rates)]
    probes = pool.probes[a.probe_offset::a.probe_stride]
    first, last = (int(x) for x in a.hit_range.split(":")) if a.hit_range else (0, 0)
    hits = pool.hits[first:last][::-1]  # pop() takes them in order.
    hits_total = len(hits)
    start_ms = int(time.time() * 1000)
    entries = []
    for log in logs:  # Size 0 is no tree for a reader: one tick's worth to start with.
        log.grow(start_ms, hits, a.hit_share)
        log.publish(start_ms)
        if a.kind == "tiled":
            log.write_tiles(a.dir, a.keep_tiles)
            write_atomically(os.path.join(a.dir, f"log{log.number}", "checkpoint"),
                             log.checkpoint_note(log.sth).encode())
            for fp, der in pool.issuers.items():
                write_atomically(os.path.join(a.dir, f"log{log.number}", "issuer", fp), der)
            entries.append(log_list_entry(log, "monitoring_url", f"{a.tiles_url}log{log.number}/"))
        else:
            port = serve_rfc6962(log, a.batch_cap)
            entries.append(log_list_entry(log, "url", f"http://127.0.0.1:{port}/"))
    write_atomically(os.path.join(a.dir, f"loglist-{a.kind}.json"), json.dumps(
        {"version": "1.0", "log_list_timestamp": "2026-01-01T00:00:00Z",
         "operators": [{"name": f"soak {a.kind} operator", "email": ["ct@caawatch.test"],
                        "logs": entries if a.kind == "rfc6962" else [],
                        "tiled_logs": entries if a.kind == "tiled" else []}]}, indent=1).encode())
    probe_times = sorted(float(t) for t in a.probe_times.split(",") if t)
    rng = random.Random(a.seed)
    print(json.dumps({"event": "ready", "logs": len(logs)}), flush=True)

    t0 = time.monotonic()
    tick = 1.0 / a.acceleration
    ticks, appended, behind_max, last_status = 0, 0, 0.0, 0.0
    busy = 0.0
    while True:
        ticks += 1
        due = t0 + ticks * tick
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        behind_max = max(behind_max, time.monotonic() - due)
        work0 = time.monotonic()
        ts_ms = int(time.time() * 1000)
        probe_now = []
        while probe_times and probes and probe_times[0] <= time.monotonic() - t0:
            probe_times.pop(0)
            name, indexes = probes.pop(0)
            log = logs[rng.randrange(len(logs))]
            for pi in indexes:
                log.append(pi, ts_ms)
            probe_now.append((name, log, log.tree.size() - len(indexes)))
        for log in logs:
            appended += log.grow(ts_ms, hits, a.hit_share)
            sth = log.publish(ts_ms)
            if a.kind == "tiled":
                log.write_tiles(a.dir, a.keep_tiles)
                write_atomically(os.path.join(a.dir, f"log{log.number}", "checkpoint"),
                                 log.checkpoint_note(sth).encode())
        published_wall = time.time()
        for name, log, index in probe_now:
            print(json.dumps({"event": "probe", "name": name, "log": log.number, "index": index,
                              "published": published_wall}), flush=True)
        busy += time.monotonic() - work0
        if time.monotonic() - last_status >= 1.0:
            last_status = time.monotonic()
            elapsed = last_status - t0
            write_atomically(a.status, json.dumps({
                "wall": elapsed, "ticks": ticks, "appended": appended,
                "schedule_behind_s": max(0.0, last_status - due), "schedule_behind_max_s": behind_max,
                "busy_fraction": busy / max(elapsed, 1e-9),
                "hits_appended": sum(l.hits_appended for l in logs), "hits_total": hits_total,
                "sizes": {f"soak {a.kind} log {l.number}": l.published for l in logs}}).encode())


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
