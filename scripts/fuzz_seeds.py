#!/usr/bin/env python3
"""Builds the seed corpus of each libFuzzer target from the shared corpus.

usage: fuzz_seeds.py CORPUS_DIR OUT_DIR

Writes OUT_DIR/<target>/<n> for every target in ctlog/fuzz, caa/fuzz, watch/fuzz and
evidence/fuzz, each
input in the shape that target reads (see the comment at the top of each *_fuzz.cc). Fails if a
target would get no seed, so a moved corpus cannot make the fuzz run silently weaker.
"""
import base64
import json
import pathlib
import re
import struct
import sys

PEM_BLOCK = re.compile(rb"-----BEGIN [A-Z0-9 ]+-----\s+(.*?)-----END [A-Z0-9 ]+-----", re.S)
MAX_JSON_SEED = 64 * 1024  # Larger bodies slow every execution; the small ones cover the shapes.


def der_blocks(path):
    """DER of every PEM block in the file, or the file itself if it has none."""
    data = path.read_bytes()
    blocks = PEM_BLOCK.findall(data)
    if not blocks:
        return [data]
    out = []
    for b in blocks:
        try:
            out.append(base64.b64decode(b"".join(b.split()), validate=False))
        except ValueError:
            pass  # A deliberately broken PEM: the PEM reader's seeds still have it.
    return out


def der_seeds(corpus):
    for path in sorted((corpus / "x509").rglob("*")) + sorted((corpus / "ct").rglob("*")):
        if path.is_file() and path.suffix in (".pem", ".der", ".crt", ".cer", ".cert", ""):
            yield from der_blocks(path)


def leaf_seeds(corpus):
    """get-entries elements as leaf_fuzz reads them: 2-octet leaf_input size, leaf, extra."""
    for path in sorted((corpus / "ct").rglob("*get-entries*.json")):
        for entry in json.loads(path.read_text())["entries"]:
            leaf = base64.b64decode(entry["leaf_input"])
            extra = base64.b64decode(entry["extra_data"])
            yield struct.pack(">H", len(leaf)) + leaf + extra
    for path in sorted((corpus / "ct").rglob("*.pem"))[:20]:  # The PEM reader sees it all.
        yield path.read_bytes()


def base64_seeds(corpus):
    """The leaf_input and extra_data strings of real get-entries responses, as logs send them."""
    for path in sorted((corpus / "ct").rglob("*get-entries*.json")):
        for entry in json.loads(path.read_text())["entries"][:50]:
            yield entry["leaf_input"].encode()
            yield entry["extra_data"].encode()
    for path in sorted((corpus / "x509").rglob("*.pem"))[:30]:  # Certificates, one line each.
        body = [l for l in path.read_text(errors="replace").splitlines() if not l.startswith("-")]
        yield "".join(body).encode()


def json_seeds(corpus):
    paths = sorted((corpus / "ct").rglob("*.json")) + sorted((corpus / "loglist").glob("*.json"))
    paths += sorted((corpus / "tiles").rglob("*.json"))
    for path in paths:
        if path.stat().st_size <= MAX_JSON_SEED:
            yield path.read_bytes()


def get_entries_seeds(corpus):
    """get-entries bodies: the real ones, compact, and spelt with escapes a log may use."""
    for path in sorted((corpus / "ct").rglob("*get-entries*.json")):
        text = path.read_text()
        yield text.encode()
        yield json.dumps(json.loads(text), separators=(",", ":")).encode()
        yield text.replace("/", "\\/").encode()
    yield b'{"entries":[{"leaf_input":"Zg==","extra_data":"","x":[1,-2.5e3,{"y":null},true]}]}'
    yield '{"s":"caf\u00e9 \\ud83d\\ude00","entries":[]}'.encode()


def tile_seeds(corpus):
    """tile_fuzz input: one octet (width - 1), then the tile; full tiles are 256 wide."""
    for path in sorted((corpus / "tiles").rglob("tile/*/*")):
        if path.is_file() and "names" not in path.parts:  # A full tile: 256 entries.
            yield bytes([255]) + path.read_bytes()
    for path in sorted((corpus / "tiles").rglob("tile/*/*.p/*")):  # Partial: width in the name.
        if "names" not in path.parts:
            yield bytes([int(path.name) - 1]) + path.read_bytes()


def checkpoint_seeds(corpus):
    for path in sorted((corpus / "tiles").rglob("*")):
        if path.is_file() and (path.name.startswith("checkpoint") or path.suffix == ".checkpoint"):
            yield path.read_bytes()


def dns_name(name):
    return b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l) + b"\0"


def dns_rr(owner, rtype, ttl, rdata):
    return owner + struct.pack(">HHIH", rtype, 1, ttl, len(rdata)) + rdata


def caa_rdata(flags, tag, value):
    return bytes([flags, len(tag)]) + tag.encode() + value.encode()


def dns_seeds(_corpus):
    """Responses like the ones caawatch reads: CAA answers, a CNAME chain with compression
    pointers, a negative answer with an SOA, an unknown critical property."""
    def message(qname, answers, authorities, rcode=0):
        header = struct.pack(">HHHHHH", 0x1234, 0x8180 | rcode, 1, len(answers),
                             len(authorities), 0)
        question = dns_name(qname) + struct.pack(">HH", 257, 1)
        return header + question + b"".join(answers) + b"".join(authorities)

    at_q = b"\xc0\x0c"  # A pointer to the question name.
    yield message("example.com", [
        dns_rr(at_q, 257, 3600, caa_rdata(0, "issue", "letsencrypt.org")),
        dns_rr(at_q, 257, 3600, caa_rdata(0, "issuewild", "pki.goog; accounturi=https://a/1")),
        dns_rr(at_q, 257, 3600, caa_rdata(0, "iodef", "mailto:sec@example.com")),
    ], [])
    yield message("www.example.com", [
        dns_rr(at_q, 5, 300, b"\x03cdn\xc0\x10"),  # www.example.com -> cdn.example.com
        dns_rr(b"\x03cdn\xc0\x10", 257, 300, caa_rdata(128, "tbs", "x")),
    ], [])
    soa = dns_name("ns.example.com") + dns_name("admin.example.com") + struct.pack(
        ">IIIII", 1, 7200, 3600, 1209600, 300)
    yield message("nothing.example.com", [], [dns_rr(b"\xc0\x14", 6, 900, soa)], rcode=3)
    yield message("example.net", [dns_rr(at_q, 257, 60, caa_rdata(0, "issue", ";"))], [])


def notify_seeds(_corpus):
    """NOTIFY queries (RFC 1996) as primaries send them: for a followed zone with and without
    the SOA in the answer, for a zone with a TSIG key (an HMAC-SHA256 TSIG record whose MAC
    is wrong), and one for a zone nobody follows."""
    def notify(zone, answers=(), additional=()):
        header = struct.pack(">HHHHHH", 0x4321, 0x2400, 1, len(answers), 0, len(additional))
        return header + dns_name(zone) + struct.pack(">HH", 6, 1) + b"".join(answers) + b"".join(
            additional)
    soa = dns_name("ns.plain.test") + dns_name("admin.plain.test") + struct.pack(
        ">IIIII", 7, 7200, 3600, 1209600, 300)
    yield notify("plain.test")
    yield notify("plain.test", [dns_rr(b"\xc0\x0c", 6, 300, soa)])
    tsig = (dns_name("hmac-sha256") + struct.pack(">HIH", 0, 1_700_000_000, 300)
            + struct.pack(">H", 32) + bytes(32) + struct.pack(">HHH", 0x4321, 0, 0))
    yield notify("example.test", [], [struct.pack(">B", 1) + b"k\0" + struct.pack(
        ">HHIH", 250, 255, 0, len(tsig)) + tsig])
    yield notify("elsewhere.test")


def zone_rdata_seeds(_corpus):
    """Transferred RDATA as the zone follower reads it: CNAME and DNAME targets (uncompressed
    wire names), an SOA with its timers, CAA records."""
    yield dns_name("deep.a.b.owned.test")
    yield dns_name("Target.Example")
    yield b"\0"
    yield dns_name("ns.owned.test") + dns_name("hostmaster.owned.test") + struct.pack(
        ">IIIII", 2026120601, 3600, 600, 86400, 300)
    yield caa_rdata(0, "issue", "letsencrypt.org")
    yield caa_rdata(128, "issuewild", ";")


def zone_records_seeds(_corpus):
    """A transfer's records as zone_records_fuzz reads them ([type selector][length][RDATA]):
    a signed apex (DNSKEY, RRSIGs over DNSKEY and CAA), a CNAME below it, an SOA."""
    def rec(selector, rdata):
        return bytes([selector, len(rdata)]) + rdata
    dnskey = struct.pack(">HBB", 257, 3, 13) + bytes(range(64))
    def rrsig(covered):
        return (struct.pack(">HBBIIIH", covered, 13, 2, 300, 1_900_000_000, 1_700_000_000, 2371)
                + dns_name("example.test") + bytes(64))
    soa = dns_name("ns.example.test") + dns_name("hostmaster.example.test") + struct.pack(
        ">IIIII", 1, 3600, 600, 86400, 300)
    yield (rec(5, soa) + rec(0, dnskey) + rec(1, rrsig(48)) + rec(2, caa_rdata(0, "issue", "ca.test"))
           + rec(1, rrsig(257)))
    yield rec(0x83, dns_name("example.test")) + rec(2, caa_rdata(128, "tbs", "x"))
    yield rec(4, dns_name("other.test")) + rec(0x82, caa_rdata(0, "issuewild", ";"))


def watchlist_seeds(_corpus):
    """Watchlist files as users write them: certspotter's syntax plus `issuers=`."""
    yield b"example.com\n.example.org\n# a comment\n\nWWW.Example.NET.\n"
    yield b".example.com issuers=letsencrypt.org,pki.goog\nshop.example valid_at:2024-01-01\n"
    yield ".b\u00fccher.example\n*.example.com\n.\n".encode()
    yield b"a.example\tissuers=digicert.com # trailing comment\r\nbad..example\n"


def watchlist_index_seeds(corpus):
    """watchlist_index_fuzz input: a watchlist, then a 0 octet and changes to its encoding
    (a 32-bit offset and an octet to xor there, each)."""
    for n, text in enumerate(watchlist_seeds(corpus)):
        yield text
        yield text + b"\0" + struct.pack("<IB", 8 + 97 * n, 0x40) + struct.pack("<IB", 301, 1)


EVIDENCE_BUNDLE = pathlib.Path(__file__).resolve().parent.parent / "tests/testdata/evidence_bundle"


def bundle_seeds(_corpus):
    """bundle_files_fuzz input: one octet choosing the parser (evidence/fuzz), then the file; the
    files of a real bundle (written by tests/e2e/evidence_e2e_test, CAAWATCH_KEEP_BUNDLE)."""
    kinds = (("entry-", 0), ("proof-", 1), ("head-", 2), ("log-keys", 3), ("finding.json", 4),
             ("caa.json", 5), ("caa-", 6))
    for path in sorted(EVIDENCE_BUNDLE.iterdir()):
        for prefix, selector in kinds:
            if path.name.startswith(prefix):
                yield bytes([selector]) + path.read_bytes()
                break


TARGETS = {
    "base64_fuzz": base64_seeds,
    "der_fuzz": der_seeds,
    "leaf_fuzz": leaf_seeds,
    "log_json_fuzz": json_seeds,
    "get_entries_json_fuzz": get_entries_seeds,
    "tile_fuzz": tile_seeds,
    "checkpoint_fuzz": checkpoint_seeds,
    "dns_message_fuzz": dns_seeds,
    "zone_notify_fuzz": notify_seeds,
    "zone_rdata_fuzz": zone_rdata_seeds,
    "zone_records_fuzz": zone_records_seeds,
    "watchlist_fuzz": watchlist_seeds,
    "watchlist_index_fuzz": watchlist_index_seeds,
    "bundle_files_fuzz": bundle_seeds,
}


def main():
    corpus, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    for target, seeds in TARGETS.items():
        directory = out / target
        directory.mkdir(parents=True, exist_ok=True)
        count = 0
        for count, seed in enumerate(seeds(corpus), start=1):
            (directory / f"{count:05d}").write_bytes(seed)
        if count == 0:
            sys.exit(f"fuzz_seeds: no seed for {target} under {corpus}")
        print(f"{target}: {count} seeds")


if __name__ == "__main__":
    main()
