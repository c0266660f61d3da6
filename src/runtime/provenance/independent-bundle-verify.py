#!/usr/bin/env python3
"""Independent verifier of AbstractRuntime audit bundles (docs/audit-bundle.md, format v1).

Written from the document alone, with the Python stdlib and `cryptography` (Ed25519), importing
nothing of ours, so that a bug shared by our exporter and our verifier cannot hide itself:

  independent-bundle-verify.py [--trusted KEYS.json] [--require-seal] [--allow-unsigned] BUNDLE...

KEYS.json is a JSON array of actor key records. Prints one JSON object per bundle, one per line:
{"ok", "errors": [[code, location]...], "warnings": [...], "first_bad_seq", "first_bad_checkpoint",
"first_bad_key", "signed_through", "records", "checkpoints"}. Exit code 0 only when all are ok.
"""
import base64
import binascii
import hashlib
import json
import re
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def canonical(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha(data):
    return hashlib.sha256(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()


def b64(text):
    """Canonical base64 only (re-encoding gives the same text), else None."""
    if not isinstance(text, str):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode() == text else None


def ed25519_ok(raw_key, message, signature):
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def record_hash(r, prev):
    clean = dict(r)
    clean.pop("record_hash", None)
    clean.pop("signature", None)
    clean["prev_hash"] = prev
    return sha(canonical(clean))


HEX64 = re.compile(r"^[0-9a-f]{64}$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
CP_KEYS = sorted(["type", "run_id", "seq", "head_hash", "actor_id", "key_id", "signed_at", "n", "prev"])
BATCH_KEYS = sorted(["type", "actor_id", "key_id", "signed_at", "root", "size"])


class Report:
    def __init__(self):
        self.errors, self.warnings = [], []

    def add(self, code, where, warning=False):
        (self.warnings if warning else self.errors).append([code, where])


def is_count(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def parse_statement(text, keys, type_name):
    try:
        d = json.loads(text)
    except (TypeError, ValueError):
        return None
    if not isinstance(d, dict) or sorted(d) != keys or d.get("type") != type_name or canonical(d) != text:
        return None
    return d


def check_keys(keys, trusted, rep):
    ring = {}
    for j, k in enumerate(keys):
        where = {"key": j}
        if not isinstance(k, dict) or not all(isinstance(k.get(f), str) for f in ("actor_id", "kind", "public_key", "key_id", "created_at")):
            rep.add("key_invalid", where)
            continue
        raw = b64(k["public_key"])
        if raw is None or len(raw) != 32:
            rep.add("key_invalid", where)
            continue
        if sha(raw)[:32] != k["key_id"]:
            rep.add("key_id_mismatch", where)
            continue
        meta = k.get("metadata")
        if isinstance(meta, dict) and "ed25519_public_key" in meta:
            fp = "ar_" + sha(canonical({"kind": k["kind"], "display_name": k.get("display_name"), "metadata": meta}))[:24]
            if meta["ed25519_public_key"] != k["public_key"] or fp != k["actor_id"]:
                rep.add("key_binding_mismatch", where)
                continue
        if k["key_id"] in ring:
            rep.add("key_duplicate", where, warning=ring[k["key_id"]]["key"]["actor_id"] == k["actor_id"])
            continue
        is_trusted = None
        conflict = False
        if trusted is not None:
            is_trusted = any(t.get("actor_id") == k["actor_id"] and t.get("public_key") == k["public_key"]
                             and t.get("kind") == k["kind"] and t.get("display_name") == k.get("display_name") for t in trusted)
            conflict = not is_trusted and any(t.get("actor_id") == k["actor_id"] for t in trusted)
        ring[k["key_id"]] = {"index": j, "key": k, "raw": raw, "trusted": is_trusted, "conflict": conflict, "used": 0}
    return ring


def check_chain(records, run_id, rep):
    changed, links = {}, {}
    prev = None
    for i, r in enumerate(records):
        if r.get("prev_hash") != prev:
            links[i] = True
        stored = r.get("record_hash") if isinstance(r.get("record_hash"), str) else None
        if not stored:
            rep.add("record_hash_missing", {"seq": i})
            links = {j: v for j, v in links.items() if j <= i}
            break
        computed = record_hash(r, r.get("prev_hash"))
        if computed != stored:
            changed[i] = computed
            rep.add("record_changed", {"seq": i})
        prev = stored
    explained = {}
    for j in sorted(links):
        r = records[j]
        if j in changed or (j - 1 in changed and changed[j - 1] == r.get("prev_hash")):
            continue
        if j > 0 and r.get("record_hash") and r.get("record_hash") == records[j - 1].get("record_hash"):
            explained[j] = ("record_duplicated", {"seq": j})
        elif j >= 2 and j - 1 not in changed and r.get("prev_hash") == records[j - 2].get("record_hash"):
            explained.pop(j - 1, None)
            explained[j - 1] = ("record_inserted", {"seq": j - 1})
        else:
            explained[j] = ("chain_broken", {"seq": j, "range": [max(0, j - 1), j]})
    for code, where in explained.values():
        rep.add(code, where)
    for i, r in enumerate(records):
        if r.get("run_id") != run_id:
            rep.add("record_wrong_run", {"seq": i})


def check_record_signatures(records, ring, rep):
    through = -1
    for i, r in enumerate(records):
        field = r.get("signature")
        if field is None:
            continue
        m = re.match(r"^ed25519:([0-9a-f]{32}):([A-Za-z0-9+/=]+)$", field) if isinstance(field, str) else None
        sig = b64(m.group(2)) if m else None
        if sig is None:
            rep.add("record_signature_invalid", {"seq": i})
            continue
        key = ring.get(m.group(1))
        if key is None:
            rep.add("record_signature_unknown_key", {"seq": i})
            continue
        statement = canonical({"type": "abstractruntime.record-signature.v1", "key_id": m.group(1), "record_hash": r.get("record_hash")})
        if not isinstance(r.get("record_hash"), str) or not ed25519_ok(key["raw"], statement.encode(), sig):
            rep.add("record_signature_invalid", {"seq": i})
        else:
            key["used"] += 1
            if key["trusted"] is False:
                rep.add("record_signature_untrusted", {"seq": i})
            else:
                through = i
    return through


def parse_checkpoint(cp):
    if not isinstance(cp, dict) or not isinstance(cp.get("statement"), str):
        return None
    d = parse_statement(cp["statement"], CP_KEYS, "abstractruntime.chain-checkpoint.v1")
    if d is None or not all(isinstance(d[f], str) for f in ("run_id", "actor_id", "signed_at")) or not is_count(d["seq"]) or not is_count(d["n"]):
        return None
    if not (isinstance(d["head_hash"], str) and HEX64.match(d["head_hash"])):
        return None
    if not isinstance(d["key_id"], str) or not HEX32.match(d["key_id"]):
        return None
    if (d["n"] == 0 and d["prev"] is not None) or (d["n"] > 0 and not (isinstance(d["prev"], str) and HEX64.match(d["prev"]))):
        return None
    batch, signature = cp.get("batch"), cp.get("signature")
    if batch is None:
        return d if isinstance(signature, str) else None
    if signature is not None or not isinstance(batch, dict) or not isinstance(batch.get("statement"), str) or not isinstance(batch.get("signature"), str) or not isinstance(batch.get("proof"), list):
        return None
    b = parse_statement(batch["statement"], BATCH_KEYS, "abstractruntime.checkpoint-batch.v1")
    if b is None or (b["actor_id"], b["key_id"], b["signed_at"]) != (d["actor_id"], d["key_id"], d["signed_at"]):
        return None
    if not isinstance(b["root"], str) or not HEX64.match(b["root"]) or not is_count(b["size"]) or b["size"] < 1:
        return None
    d["_batch_root"] = b["root"]
    return d


def checkpoint_signature_ok(cp, raw_key):
    batch = cp.get("batch")
    if batch is None:
        sig = b64(cp["signature"])
        return sig is not None and ed25519_ok(raw_key, cp["statement"].encode(), sig)
    proof = batch["proof"]
    if len(proof) > 64:
        return False
    node = hashlib.sha256(b"\x00" + cp["statement"].encode()).digest()
    for step in proof:
        if not isinstance(step, str) or not re.match(r"^[lr]:[0-9a-f]{64}$", step):
            return False
        sib = bytes.fromhex(step[2:])
        node = hashlib.sha256(b"\x01" + (sib + node if step[0] == "l" else node + sib)).digest()
    root = json.loads(batch["statement"])["root"]
    sig = b64(batch["signature"])
    return node.hex() == root and sig is not None and ed25519_ok(raw_key, batch["statement"].encode(), sig)


def check_checkpoints(cps, records, run_id, ring, rep):
    prev, through, last_match, beyond = None, -1, -1, None
    for c, cp in enumerate(cps):
        d = parse_checkpoint(cp)
        if d is None:
            rep.add("checkpoint_malformed", {"checkpoint": c})
            continue
        want_n = prev["n"] + 1 if prev else 0
        prev_hash = sha(prev["_statement"]) if prev else None
        if d["n"] > want_n:
            rep.add("checkpoint_missing", {"checkpoint": c})
        elif d["n"] != want_n or d["prev"] != prev_hash:
            rep.add("checkpoint_chain_broken", {"checkpoint": c})
        elif prev and d["seq"] <= prev["seq"]:
            rep.add("checkpoint_out_of_order", {"checkpoint": c})
        d["_statement"] = cp["statement"]
        prev = d
        key = ring.get(d["key_id"])
        if d["run_id"] != run_id:
            rep.add("checkpoint_wrong_run", {"checkpoint": c})
        elif key is None:
            rep.add("checkpoint_unknown_key", {"checkpoint": c})
        elif key["key"]["actor_id"] != d["actor_id"]:
            rep.add("checkpoint_actor_mismatch", {"checkpoint": c})
        elif not checkpoint_signature_ok(cp, key["raw"]):
            rep.add("checkpoint_bad_signature", {"checkpoint": c})
        elif key["trusted"] is False:
            key["used"] += 1
            rep.add("checkpoint_untrusted_key", {"checkpoint": c})
        else:
            key["used"] += 1
            through = max(through, d["seq"])
            if d["seq"] >= len(records):
                beyond = max(beyond if beyond is not None else -1, d["seq"])
            elif records[d["seq"]].get("record_hash") != d["head_hash"]:
                rep.add("checkpoint_head_mismatch", {"seq": d["seq"], "range": [last_match + 1, d["seq"]]})
            else:
                last_match = max(last_match, d["seq"])
    if beyond is not None:
        rep.add("ledger_truncated", {"from": len(records), "to": beyond})
    return through


def read_bundle(text, rep):
    order = ["manifest", "key", "checkpoint", "record", "artifact"]
    parts = {s: [] for s in order}
    lines = text.split("\n")
    if lines[-1] != "":
        rep.add("bundle_malformed", {"line": len(lines)})
    else:
        lines.pop()
    stage = 0
    for i, line in enumerate(lines, start=1):
        try:
            v = json.loads(line)
        except ValueError:
            rep.add("bundle_malformed", {"line": i})
            continue
        s = v.get("section") if isinstance(v, dict) else None
        if s not in order or order.index(s) < stage or (s == "manifest") != (i == 1):
            rep.add("bundle_malformed", {"line": i})
            continue
        stage = order.index(s)
        if s == "record":
            try:
                rec = json.loads(v["line"]) if isinstance(v.get("line"), str) else None
            except ValueError:
                rec = None
            if not isinstance(rec, dict):
                rep.add("bundle_malformed", {"line": i})
            parts["record"].append((v.get("line"), rec if isinstance(rec, dict) else {}))
        else:
            parts[s].append(v)
    return parts


def artifact_refs(value, seq, out):
    if isinstance(value, list):
        for x in value:
            artifact_refs(x, seq, out)
    elif isinstance(value, dict):
        if isinstance(value.get("$artifact"), str):
            out.setdefault(value["$artifact"], seq)
        for x in value.values():
            artifact_refs(x, seq, out)


def verify(text, trusted=None, require_seal=False, allow_unsigned=False):
    rep = Report()
    parts = read_bundle(text, rep)
    man_line = parts["manifest"][0] if parts["manifest"] else {}
    manifest = parse_statement(man_line.get("statement"), sorted(["type", "run_id", "workflow_id", "created_at", "tool", "records", "head_hash", "checkpoints",
                               "last_checkpoint", "keys", "keys_digest", "artifacts", "artifact_content", "artifacts_digest", "sealed_by"]),
                               "abstractruntime.audit-bundle.v1") if isinstance(man_line.get("statement"), str) else None
    if manifest is None:
        rep.add("bundle_malformed", {"manifest": None})
    lines = [r[0] for r in parts["record"]]
    records = [r[1] for r in parts["record"]]
    run_id = manifest["run_id"] if manifest else (records[0].get("run_id") if records else None)
    keys = [k.get("key") for k in parts["key"]]
    cps = [{f: c[f] for f in ("statement", "signature", "batch") if f in c} for c in parts["checkpoint"]]

    ring = check_keys(keys, trusted, rep)
    check_chain(records, run_id, rep)
    through = max(check_record_signatures(records, ring, rep), check_checkpoints(cps, records, run_id, ring, rep))
    if records and through < len(records) - 1:
        rep.add("unsigned_records", {"from": through + 1, "to": len(records) - 1}, warning=allow_unsigned)
    if trusted is None:
        rep.add("no_trust_anchor", {"ledger": True}, warning=True)
    else:
        for k in ring.values():
            if not k["trusted"]:
                rep.add("key_untrusted", {"key": k["index"]}, warning=not (k["conflict"] or k["used"] > 0))

    entries, ids = [], set()
    for a, line in enumerate(parts["artifact"]):
        e = line.get("artifact")
        if not isinstance(e, dict) or not isinstance(e.get("artifact_id"), str) or not isinstance(e.get("sha256"), str) or not HEX64.match(e["sha256"]) or not is_count(e.get("size_bytes")):
            rep.add("artifact_malformed", {"artifact": a})
            if isinstance(e, dict):
                entries.append(e)
            continue
        entries.append(e)
        ids.add(e["artifact_id"])
        if line.get("content") is None:
            rep.add("artifact_content_missing", {"artifact": a}, warning=not (manifest and manifest["artifact_content"] == "included"))
            continue
        content = b64(line["content"])
        if content is None or len(content) != e["size_bytes"] or sha(content) != e["sha256"]:
            rep.add("artifact_hash_mismatch", {"artifact": a})
    refs = {}
    for seq, r in enumerate(records):
        artifact_refs(r, seq, refs)
    for aid, seq in refs.items():
        if aid not in ids:
            rep.add("artifact_missing", {"seq": seq}, warning=True)

    if manifest:
        last_cp = sha(cps[-1]["statement"]) if cps and isinstance(cps[-1].get("statement"), str) else None
        head = records[-1].get("record_hash") if records else None
        expected = {"records": len(records), "checkpoints": len(cps), "keys": len(keys), "artifacts": len(parts["artifact"]),
                    "head_hash": head if isinstance(head, str) and head else None, "last_checkpoint": last_cp,
                    "keys_digest": sha(canonical(keys)), "artifacts_digest": sha(canonical(entries))}
        for field, value in expected.items():
            if manifest[field] != value:
                rep.add("manifest_mismatch", {"manifest": field})
        sig, sealer = man_line.get("signature"), manifest["sealed_by"]
        if sig is None:
            if sealer is not None:
                rep.add("seal_invalid", {"manifest": "sealed_by"})
            else:
                rep.add("bundle_unsealed", {"manifest": "sealed_by"}, warning=not require_seal)
        else:
            key = ring.get(sealer.get("key_id")) if isinstance(sealer, dict) else None
            raw_sig = b64(sig)
            if key is None or key["key"]["actor_id"] != sealer.get("actor_id") or raw_sig is None \
                    or not ed25519_ok(key["raw"], man_line["statement"].encode(), raw_sig) or key["trusted"] is False:
                rep.add("seal_invalid", {"manifest": "sealed_by"})
    for seq, (line, rec) in enumerate(zip(lines, records)):
        if rec and json.dumps(rec, ensure_ascii=False) != line:
            rep.add("record_line_not_python", {"seq": seq}, warning=True)

    def first(kind):
        found = [w.get(kind, w.get("from")) if kind == "seq" else w.get(kind) for _, w in rep.errors]
        found = [x for x in found if isinstance(x, int)]
        return min(found) if found else None

    return {"ok": not rep.errors, "errors": rep.errors, "warnings": rep.warnings, "first_bad_seq": first("seq"),
            "first_bad_checkpoint": first("checkpoint"), "first_bad_key": first("key"),
            "signed_through": through if through >= 0 else None, "records": len(records), "checkpoints": len(cps)}


def main(argv):
    args = list(argv)
    trusted = None
    if "--trusted" in args:
        at = args.index("--trusted")
        with open(args[at + 1], encoding="utf-8") as f:
            trusted = json.load(f)
        del args[at:at + 2]
    require_seal = "--require-seal" in args
    allow_unsigned = "--allow-unsigned" in args
    all_ok = True
    for path in [a for a in args if a not in ("--require-seal", "--allow-unsigned")]:
        with open(path, "rb") as f:
            raw = f.read()
        try:
            result = verify(raw.decode("utf-8"), trusted, require_seal, allow_unsigned)
        except UnicodeDecodeError:
            result = {"ok": False, "errors": [["bundle_unreadable", {}]]}
        all_ok = all_ok and result["ok"]
        print(json.dumps(result, ensure_ascii=False))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
