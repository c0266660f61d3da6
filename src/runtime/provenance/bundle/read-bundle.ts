/**
 * Reading a bundle into its sections, strictly: valid UTF-8, every line a JSON object with a
 * known section, sections in order, each line of its section's shape. Problems are findings
 * located by line; a record line that cannot be read still takes its place (as an empty record),
 * so the chain verification reports it at its own seq and the positions of the others hold.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { type SignedCheckpoint } from '../checkpoints/checkpoint';

export type BundleFindingCode =
  | 'bundle_unreadable'
  | 'bundle_malformed'
  | 'manifest_mismatch'
  | 'record_line_not_python'
  | 'bundle_unsealed'
  | 'seal_invalid'
  | 'artifact_malformed'
  | 'artifact_hash_mismatch'
  | 'artifact_content_missing'
  | 'artifact_missing';

export type BundleFindingLocation =
  | { kind: 'line'; line: number }
  | { kind: 'manifest'; field: string | null }
  | { kind: 'artifact'; index: number; artifactId: string | null }
  | { kind: 'record'; seq: number };

export interface BundleFinding {
  code: BundleFindingCode;
  severity: 'error' | 'warning';
  location: BundleFindingLocation;
  message: string;
}

export interface BundleArtifactLine {
  line: number;
  artifact: JsonValue | undefined;
  content: JsonValue | undefined;
}

export interface ReadBundle {
  manifest: { statement: string; signature: string | null } | null;
  keys: JsonValue[];
  checkpoints: SignedCheckpoint[];
  /** The ledger lines, without "\n". */
  recordLines: string[];
  /** The records parsed losslessly ({} for a line that cannot be read). */
  records: JsonObject[];
  artifacts: BundleArtifactLine[];
  findings: BundleFinding[];
}

const ORDER = ['manifest', 'key', 'checkpoint', 'record', 'artifact'];

export function readBundleText(text: string): ReadBundle {
  const out: ReadBundle = { manifest: null, keys: [], checkpoints: [], recordLines: [], records: [], artifacts: [], findings: [] };
  const bad = (line: number, message: string): void => {
    out.findings.push({ code: 'bundle_malformed', severity: 'error', location: { kind: 'line', line }, message: `line ${line}: ${message}` });
  };
  const lines = text.split('\n');
  if (lines.at(-1) !== '') bad(lines.length, 'the file does not end with a newline (cut short?)');
  else lines.pop();
  let stage = 0;
  lines.forEach((text, i) => {
    const line = i + 1;
    let value: JsonValue;
    try {
      value = parseJson(text);
    } catch (e) {
      return bad(line, `not JSON (${(e as Error).message})`);
    }
    const section = isJsonObject(value) ? value['section'] : undefined;
    const at = typeof section === 'string' ? ORDER.indexOf(section) : -1;
    if (!isJsonObject(value) || at < 0) return bad(line, 'not a bundle line (an object with a known "section")');
    if (at < stage || (section === 'manifest' && line !== 1)) return bad(line, `a ${section} line out of order (the order is ${ORDER.join(', ')})`);
    if (line === 1 && section !== 'manifest') bad(1, 'the first line must be the manifest');
    stage = at;
    take(out, value, line, bad);
  });
  if (!out.manifest) bad(1, 'there is no manifest');
  return out;
}

function take(out: ReadBundle, v: JsonObject, line: number, bad: (line: number, message: string) => void): void {
  switch (v['section']) {
    case 'manifest': {
      const sig = v['signature'] ?? null;
      if (typeof v['statement'] !== 'string' || (sig !== null && typeof sig !== 'string')) return bad(line, 'the manifest needs a statement (string) and a signature (string or null)');
      out.manifest = { statement: v['statement'], signature: sig };
      return;
    }
    case 'key':
      out.keys.push(v['key'] ?? null);
      return;
    case 'checkpoint':
      // Kept even when malformed, so checkpoint positions hold; the verifier reports it.
      out.checkpoints.push({ statement: v['statement'], signature: v['signature'], ...(v['batch'] !== undefined ? { batch: v['batch'] } : {}) } as unknown as SignedCheckpoint);
      return;
    case 'record': {
      const text = v['line'];
      let record: JsonValue;
      try {
        record = typeof text === 'string' ? parseJson(text) : null;
      } catch {
        record = null;
      }
      if (!isJsonObject(record)) bad(line, `record ${out.records.length} is not a JSON object in a "line" string`);
      out.recordLines.push(typeof text === 'string' ? text : '');
      out.records.push(isJsonObject(record) ? record : {});
      return;
    }
    default:
      out.artifacts.push({ line, artifact: v['artifact'], content: v['content'] });
  }
}
