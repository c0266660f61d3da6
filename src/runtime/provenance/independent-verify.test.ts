/**
 * Our bundles checked by a separate implementation written from docs/audit-bundle.md alone:
 * independent-bundle-verify.py (Python stdlib + `cryptography` for Ed25519). Untouched bundles
 * must verify there too, and on hundreds of tampered bundles both verifiers must agree on the
 * verdict and on where the damage is. Skipped (with a note) where Python's `cryptography` is missing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonObject } from '../json/json-value';
import { parseJson } from '../json/parse';
import { exportBundle } from './bundle/export-bundle';
import { verifyBundleText, type BundleReport } from './bundle/verify-bundle';
import { encodeActorKey } from './keys/actor-key';
import { generateActorKey, signingKeyFromSeed, type SigningKey } from './keys/key-store';
import { buildSignedLedgers, type SignedLedgers } from './testing/signed-ledgers';
import { Rng } from './testing/rng';
import { randomTampering, type LedgerCopy } from './testing/tamper-ops';

const SCRIPT = join(__dirname, 'independent-bundle-verify.py');
const available = ((): boolean => {
  try {
    execFileSync('python3', ['-c', 'import cryptography.hazmat.primitives.asymmetric.ed25519'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('independent-verify.test: python3 with the `cryptography` package is not available; skipping the cross-check.');
    return false;
  }
})();

interface PyResult {
  ok: boolean;
  errors: [string, unknown][];
  first_bad_seq: number | null;
  first_bad_checkpoint: number | null;
  first_bad_key: number | null;
}

function python(paths: string[], trusted: string): Promise<PyResult[]> {
  return new Promise((resolve, reject) => {
    execFile('python3', [SCRIPT, '--trusted', trusted, ...paths], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && err.code !== 1) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout.trim().split('\n').map((l) => JSON.parse(l) as PyResult));
    });
  });
}

let dir: string;
let L: SignedLedgers;
let trustedPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'indep-bundle-'));
  L = await buildSignedLedgers();
  trustedPath = join(dir, 'trusted.json');
  await writeFile(trustedPath, JSON.stringify(L.keys.map((k) => encodeActorKey(k))));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function bundleOf(copy: LedgerCopy, seal: SigningKey | null = null): Promise<string> {
  const dicts = copy.lines.map((l) => parseJson(l) as JsonObject);
  const bundle = await exportBundle({ runId: copy.runId, ledger: { listDicts: async () => dicts }, checkpoints: copy.checkpoints, keys: copy.keys, seal });
  return bundle.lines.join('');
}

const summary = (r: BundleReport) => ({ ok: r.ok, seq: r.provenance.firstBadSeq, cp: r.provenance.firstBadCheckpoint, key: r.provenance.firstBadKey });

describe.skipIf(!available)('independent bundle verifier (Python)', () => {
  it('verifies our sealed bundles', async () => {
    const paths: string[] = [];
    for (const [i, run] of L.runs.entries()) {
      const text = await bundleOf({ runId: run.runId, lines: run.lines, checkpoints: run.checkpoints, keys: L.keys }, L.host);
      expect(verifyBundleText(text, { trustedKeys: L.keys, requireSeal: true }).ok).toBe(true);
      paths.push(join(dir, `ok-${i}.arbundle.jsonl`));
      await writeFile(paths.at(-1)!, text);
    }
    const results = await python(paths, trustedPath);
    expect(results.map((r) => [r.ok, r.errors])).toEqual(paths.map(() => [true, []]));
  });

  it('agrees with ours on 300 tampered bundles: the verdict and where the damage is', async () => {
    const rng = new Rng(Number(process.env['TAMPER_SEED'] ?? 11));
    const mallory = generateActorKey({ kind: 'human', displayName: 'Mallory' }, '2030-01-01T00:00:00+00:00');
    const attackers = [signingKeyFromSeed(mallory.key, mallory.seed)];
    const cases: { name: string; path: string; ours: ReturnType<typeof summary> }[] = [];
    for (let n = 0; n < 300; n++) {
      const i = rng.int(L.runs.length);
      const run = L.runs[i]!;
      const t = randomTampering({ runId: run.runId, lines: [...run.lines], checkpoints: [...run.checkpoints], keys: [...L.keys] }, { rng, attackers, otherRuns: L.runs.filter((_, j) => j !== i).map((r) => r.lines) });
      const text = await bundleOf(t.copy);
      const path = join(dir, `t-${n}.arbundle.jsonl`);
      await writeFile(path, text);
      cases.push({ name: `${t.name}: ${t.detail.slice(0, 120)}`, path, ours: summary(verifyBundleText(text, { trustedKeys: L.keys })) });
    }
    const theirs = await python(
      cases.map((c) => c.path),
      trustedPath,
    );
    const disagreements = cases
      .map((c, k) => ({ c, py: theirs[k]! }))
      .filter(({ c, py }) => c.ours.ok !== py.ok || c.ours.seq !== py.first_bad_seq || c.ours.cp !== py.first_bad_checkpoint || c.ours.key !== py.first_bad_key)
      .map(({ c, py }) => `${c.name}\n   ours ${JSON.stringify(c.ours)} python ${JSON.stringify({ ok: py.ok, seq: py.first_bad_seq, cp: py.first_bad_checkpoint, key: py.first_bad_key })} ${JSON.stringify(py.errors).slice(0, 300)}`);
    expect(disagreements).toEqual([]);
    expect(cases.filter((c) => !c.ours.ok).length).toBeGreaterThan(270);
  }, 120_000);
});
