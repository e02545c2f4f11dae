#!/usr/bin/env python3
"""An evidence bundle's log evidence checked without caawatch's code: Python's hashlib for the
RFC 6962 Merkle audit paths (RFC 9162 section 2.1.3.2) and the OpenSSL command line for the
signed tree heads (and a static-ct-api log's checkpoint note, whose signature is the STH's).
Usage: independent_verify.py DIR. Prints "ok N" (N entries) and exits 0, or
names what failed and exits 1."""
import base64
import glob
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile


def b64(text):
    return base64.b64decode(text, validate=True)


def root_from_path(leaf_hash, index, size, path):
    if index >= size:
        raise ValueError("index beyond the tree")
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            raise ValueError("path too long")
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("path too short")
    return r


def verify_head(head, key_der, work):
    # TreeHeadSignature: version v1(0), signature_type tree_hash(1), timestamp, tree_size, root.
    signed = struct.pack(">BBQQ", 0, 1, head["timestamp"], head["tree_size"]) + b64(
        head["sha256_root_hash"])
    ds = b64(head["tree_head_signature"])  # DigitallySigned: hash, sig alg, u16 len, signature.
    if ds[0] != 4 or struct.unpack(">H", ds[2:4])[0] != len(ds) - 4:
        raise ValueError("not a SHA-256 DigitallySigned struct")
    files = {}
    for name, data in (("data", signed), ("sig", ds[4:]), ("key.der", key_der)):
        files[name] = os.path.join(work, name)
        with open(files[name], "wb") as f:
            f.write(data)
    done = subprocess.run(["openssl", "dgst", "-sha256", "-keyform", "DER", "-verify",
                           files["key.der"], "-signature", files["sig"], files["data"]],
                          capture_output=True, text=True)
    if done.returncode != 0 or "Verified OK" not in done.stdout:
        raise ValueError("signature: " + (done.stdout + done.stderr).strip())


def verify_checkpoint(head, log_id):
    # c2sp.org/static-ct-api: the note's text is origin, size, base64 root; its signature line
    # "— origin base64(key ID || timestamp || DigitallySigned)" carries the STH signature, the key
    # ID being SHA-256(origin || 0x0A || 0x05 || log ID)[:4]. The head's fields must be the note's.
    text, _, signatures = head["checkpoint"].partition("\n\n")
    lines = text.split("\n")
    if len(lines) != 3 or int(lines[1]) != head["tree_size"] or \
            lines[2] != head["sha256_root_hash"]:
        raise ValueError("the checkpoint note is not the head beside it")
    origin = lines[0]
    key_id = hashlib.sha256(origin.encode() + b"\n\x05" + log_id).digest()[:4]
    expected = key_id + struct.pack(">Q", head["timestamp"]) + b64(head["tree_head_signature"])
    for line in signatures.rstrip("\n").split("\n"):
        name, _, sig = line.removeprefix("\u2014 ").partition(" ")
        if name == origin and b64(sig) == expected:
            return
    raise ValueError("the checkpoint note carries no signature of the log for this head")


def main(bundle):
    with open(os.path.join(bundle, "log-keys.json")) as f:
        keys = {log["log_id"]: b64(log["key"]) for log in json.load(f)["logs"]}
    for log_id, key in keys.items():
        if hashlib.sha256(key).digest() != b64(log_id):
            raise ValueError("log-keys.json: a key does not hash to its log ID")
    proofs = sorted(glob.glob(os.path.join(bundle, "proof-*.json")))
    if not proofs:
        raise ValueError("no proof files")
    with tempfile.TemporaryDirectory() as work:
        for proof_path in proofs:
            with open(proof_path) as f:
                proof = json.load(f)
            tag = b64(proof["log_id"])[:8].hex()
            with open(os.path.join(bundle, "entry-%s-%d.json" % (tag, proof["leaf_index"]))) as f:
                entry = json.load(f)
            with open(os.path.join(bundle, "head-%s-%d.json" % (tag, proof["tree_size"]))) as f:
                head = json.load(f)
            if head["tree_size"] != proof["tree_size"] or head["log_id"] != proof["log_id"]:
                raise ValueError(proof_path + ": not the head it names")
            leaf = hashlib.sha256(b"\x00" + b64(entry["leaf_input"])).digest()
            if leaf != b64(proof["leaf_hash"]):
                raise ValueError(proof_path + ": leaf_hash is not the entry's")
            root = root_from_path(leaf, proof["leaf_index"], proof["tree_size"],
                                  [b64(p) for p in proof["audit_path"]])
            if root != b64(head["sha256_root_hash"]):
                raise ValueError(proof_path + ": the path does not lead to the head's root")
            verify_head(head, keys[proof["log_id"]], work)
            if "checkpoint" in head:
                verify_checkpoint(head, b64(proof["log_id"]))
    print("ok %d" % len(proofs))


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except (ValueError, KeyError, OSError, json.JSONDecodeError, TypeError) as e:
        print("rejected: %s" % e)
        sys.exit(1)
