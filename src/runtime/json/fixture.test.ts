/**
 * Conformance against files written by the Python reference (test/fixtures, spec §14): every
 * record hash, idempotency key, JSONL line, indent=2 file and store_json artifact must come out
 * byte for byte. This is the test that catches float, key-order and escaping drift.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isJsonObject, type JsonObject, type JsonValue } from './json-value';
import { parseJson } from './parse';
import { canonicalJson, pyJsonDumps } from './py-dumps';

const DIR = fileURLToPath(new URL('../../../test/fixtures/python-abstractruntime-0.2.0/', import.meta.url));
const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

function asObject(v: JsonValue): JsonObject {
  if (!isJsonObject(v)) throw new Error('expected an object');
  return v;
}

const files = readdirSync(DIR);
const ledgers = files.filter((f) => f.startsWith('ledger_') && f.endsWith('.jsonl'));
const records = ledgers.flatMap((f) => {
  const lines = readFileSync(join(DIR, f), 'utf8').split('\n');
  expect(lines.pop()).toBe(''); // every line ends with "\n"
  return lines.map((line, i) => ({ file: f, line, record: asObject(parseJson(line, { source: `${f} line ${i + 1}` })) }));
});

describe('Python fixture: ledgers', () => {
  it('has the 12 ledgers and 38 records the spec describes', () => {
    expect(ledgers).toHaveLength(12);
    expect(records).toHaveLength(38);
  });

  it('re-hashes every record: sha256(canonicalJson(record without record_hash/signature))', () => {
    for (const { file, record } of records) {
      const { record_hash: stored, signature: _signature, ...clean } = record;
      expect(typeof stored, file).toBe('string');
      expect(sha256(canonicalJson(clean)), file).toBe(stored);
    }
  });

  it('includes the float-hazard records (what a JSON.parse verifier gets wrong)', () => {
    const hazard = records.filter(({ line }) => line.includes('[1.0, 1e-05, 1e+16, 0.1, -0.0]'));
    expect(hazard).toHaveLength(2);
    for (const { record } of hazard) {
      const naive = JSON.parse(JSON.stringify(record)) as JsonObject;
      delete naive.record_hash;
      delete naive.signature;
      expect(sha256(canonicalJson(naive))).not.toBe(record.record_hash);
    }
  });

  it('chains each run: prev_hash is the previous record_hash, null at genesis', () => {
    for (const file of ledgers) {
      let prev: JsonValue = null;
      for (const { record } of records.filter((r) => r.file === file)) {
        expect(record.prev_hash, file).toBe(prev);
        prev = record.record_hash ?? null;
      }
    }
  });

  it('recomputes every idempotency key with ensure_ascii=True', () => {
    const withEffect = records.filter(({ record }) => record.effect !== null);
    expect(withEffect.length).toBeGreaterThan(20);
    for (const { file, record } of withEffect) {
      const effect = asObject(record.effect as JsonValue);
      const keyData: JsonValue = {
        run_id: record.run_id as JsonValue,
        node_id: record.node_id as JsonValue,
        effect_type: effect.type as JsonValue,
        effect_payload: effect.payload as JsonValue,
      };
      expect(sha256(canonicalJson(keyData, { ensureAscii: true })).slice(0, 32), file).toBe(record.idempotency_key);
    }
  });

  it('the genesis record key differs with ensure_ascii=False, as the spec notes', () => {
    const genesis = records[0]?.file.endsWith('000000000001.jsonl')
      ? records.find((r) => r.record.node_id === 'llm')
      : undefined;
    const effect = asObject(genesis?.record.effect as JsonValue);
    const keyData: JsonValue = {
      run_id: '00000000-0000-4000-8000-000000000001',
      node_id: 'llm',
      effect_type: effect.type as JsonValue,
      effect_payload: effect.payload as JsonValue,
    };
    expect(sha256(canonicalJson(keyData, { ensureAscii: true })).slice(0, 32)).toBe('b56d46d58222cf398a501acfbd10294a');
    expect(sha256(canonicalJson(keyData)).slice(0, 32)).toBe('0823402edcdc63461c687d6e96275f6d');
  });

  it('writes every JSONL line back byte for byte', () => {
    for (const { line, record } of records) expect(`${pyJsonDumps(record)}\n`).toBe(`${line}\n`);
  });
});

describe('Python fixture: indent=2 files and artifacts', () => {
  const jsonFiles = [
    ...files.filter((f) => f.startsWith('run_') && f.endsWith('.json')),
    ...readdirSync(join(DIR, 'snapshots')).map((f) => join('snapshots', f)),
    ...readdirSync(join(DIR, 'artifacts'))
      .filter((f) => f.endsWith('.meta'))
      .map((f) => join('artifacts', f)),
  ];

  it('finds the 12 run files, 2 snapshots and 3 .meta files', () => {
    expect(jsonFiles).toHaveLength(17);
  });

  it.each(jsonFiles)('%s is written back byte for byte with indent=2', (name) => {
    const bytes = readFileSync(join(DIR, name), 'utf8');
    expect(pyJsonDumps(parseJson(bytes, { source: name }), { indent: 2 })).toBe(bytes);
  });

  it('rewrites the store_json artifact (compact, insertion order) to the bytes its id hashes', () => {
    const id = 'b8f79e0b4ddecd6514ed1f469ea1c63e';
    const bytes = readFileSync(join(DIR, 'artifacts', `${id}.bin`));
    expect(sha256(bytes).slice(0, 32)).toBe(id);
    const text = pyJsonDumps(parseJson(bytes.toString('utf8')), { separators: [',', ':'] });
    expect(Buffer.from(text, 'utf8').equals(bytes)).toBe(true);
  });
});
