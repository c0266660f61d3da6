#!/usr/bin/env python3
"""Independent check of files written by the TypeScript port, with the Python stdlib only.

It follows the AbstractRuntime 0.2.0 reference (spec section 7.4) literally, without importing
abstractruntime, so a bug shared by our writer and our verifier cannot hide itself:

  independent-verify.py FILE...

For each `*.jsonl` ledger: the hash chain verified as `verify_ledger_chain` does, and whether
every line is exactly what Python's `json.dumps(record, ensure_ascii=False)` writes for it. For
each `*.json` file (run, snapshot) and `*.meta`: whether the bytes are exactly
`json.dumps(data, ensure_ascii=False, indent=2)`. One JSON object per file on stdout.
"""
import hashlib
import json
import sys


def canonical(d):
    return json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_record_hash(record, prev_hash):
    clean = dict(record)
    clean.pop("record_hash", None)
    clean.pop("signature", None)
    clean["prev_hash"] = prev_hash
    return hashlib.sha256(canonical(clean).encode("utf-8")).hexdigest()


def verify_ledger_chain(records):
    errors = []
    first_bad_index = None
    prev = None
    for i, r in enumerate(records):
        if r.get("prev_hash") != prev:
            errors.append({"index": i, "type": "prev_hash_mismatch"})
            first_bad_index = first_bad_index or i  # the reference's quirk: index 0 can be overwritten
        stored = r.get("record_hash")
        if not stored:
            errors.append({"index": i, "type": "missing_record_hash"})
            first_bad_index = first_bad_index or i
            break
        computed = compute_record_hash(r, r.get("prev_hash"))
        if computed != stored:
            errors.append({"index": i, "type": "record_hash_mismatch", "stored": stored, "computed": computed})
            first_bad_index = first_bad_index or i
        prev = stored
    return {
        "ok": not errors,
        "count": len(records),
        "errors": errors,
        "first_bad_index": first_bad_index,
        "head_hash": (records[-1].get("record_hash") or None) if records else None,
    }


def check_ledger(path):
    records = []
    lines_match = True
    with open(path, "r", encoding="utf-8", newline="") as f:
        text = f.read()
    for line in text.split("\n"):
        if not line.strip():
            continue
        record = json.loads(line)
        records.append(record)
        if json.dumps(record, ensure_ascii=False) != line:
            lines_match = False
    report = verify_ledger_chain(records)
    report["path"] = path
    report["bytes_match_python"] = lines_match and text.endswith("\n")
    return report


def check_json_file(path):
    with open(path, "r", encoding="utf-8", newline="") as f:
        text = f.read()
    data = json.loads(text)
    return {"path": path, "bytes_match_python": json.dumps(data, ensure_ascii=False, indent=2) == text}


def main(paths):
    for path in paths:
        report = check_ledger(path) if path.endswith(".jsonl") else check_json_file(path)
        print(json.dumps(report, ensure_ascii=False))
    assert "abstractruntime" not in sys.modules, "this check must not use the reference package"


if __name__ == "__main__":
    main(sys.argv[1:])
