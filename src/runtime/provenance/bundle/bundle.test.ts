import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactRef } from '../../artifacts/artifact';
import { EffectOutcome } from '../../core/outcome';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { ManualClock } from '../../json/timestamp';
import { openPythonDataFolder, type PythonDataFolder } from '../../storage/files/python-data-folder';
import { verifyLedgerFile } from '../../storage/files/verify-data-folder';
import { parseCheckpoint } from '../checkpoints/checkpoint';
import { JsonFileCheckpointStore } from '../checkpoints/checkpoint-store';
import { passphraseProtector } from '../keys/key-protector';
import { JsonFileKeyRecordStore } from '../keys/key-record-store';
import { ProtectedKeyStore, type SigningKey } from '../keys/key-store';
import { LedgerSigner } from '../signing/ledger-signer';
import { Rng } from '../testing/rng';
import { exportBundle, writeBundleFile, type ExportBundleOptions } from './export-bundle';
import { verifyBundle, verifyBundleText } from './verify-bundle';
import { formatBundleReport } from '../report-text';
import { isBundleFile, readTrustedKeys } from './bundle-files';
import { encodeActorKey } from '../keys/actor-key';

let dir: string;
let folder: PythonDataFolder;
let checkpoints: JsonFileCheckpointStore;
let keys: ProtectedKeyStore;
let host: SigningKey;
let runId: string;

const wf = new WorkflowSpec({
  workflowId: 'report_writer',
  entryNode: 'draft',
  nodes: {
    draft: () => ({ nodeId: 'draft', effect: { type: 'llm_call', payload: { prompt: 'Écris le rapport ✍️' }, resultKey: 'draft' }, nextNode: 'review' }),
    review: () => ({ nodeId: 'review', effect: { type: 'ask_user', payload: { prompt: 'Approve?' }, resultKey: 'ok' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { report: run.vars['draft'] ?? null } }),
  },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bundle-'));
  const clock = new ManualClock(1_750_000_000_000_000, 1000);
  folder = await openPythonDataFolder(join(dir, 'data'), { fsync: false, clock });
  checkpoints = new JsonFileCheckpointStore(join(dir, 'data', 'provenance'), { fsync: false });
  keys = new ProtectedKeyStore({ records: new JsonFileKeyRecordStore(join(dir, 'keys')), protector: passphraseProtector('pw', { log2N: 10 }), clock });
  const hostKey = await keys.createKey({ kind: 'service', displayName: 'Studio host' });
  const person = await keys.createKey({ kind: 'human', displayName: 'Zoë' });
  host = await keys.signingKey(hostKey.keyId);
  const personSigner = await keys.signingKey(person.keyId);
  const artifacts = folder.artifactStore;
  const runtime = new Runtime({
    runStore: folder.runStore,
    ledgerStore: folder.ledgerStore,
    artifactStore: artifacts,
    clock,
    effectHandlers: {
      llm_call: async () => {
        const big = await artifacts.storeText('Le rapport complet… 📄'.repeat(50), { runId: runId });
        return EffectOutcome.completed({ content: artifactRef(big.artifactId), tokens: 1.0 });
      },
    },
  });
  const signer = new LedgerSigner({ key: host, checkpoints, ledger: folder.ledgerFiles, attest: (r) => (r.actorId === person.actorId ? personSigner : null) });
  signer.attach(runtime);
  runId = await runtime.start({ workflow: wf, actorId: hostKey.actorId });
  await artifacts.storeJson({ notes: ['attached to the run, referenced by nothing'] }, { runId });
  await runtime.tick({ workflow: wf, runId });
  await runtime.resume({ workflow: wf, runId, waitKey: null, payload: { approved: true }, actorId: person.actorId });
  await signer.close();
  expect(signer.errors).toEqual([]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = async (extra: Partial<ExportBundleOptions> = {}): Promise<ExportBundleOptions> => ({
  runId,
  ledger: folder.ledgerFiles,
  checkpoints,
  keys: await keys.publicKeys(),
  artifacts: folder.artifactStore,
  workflowId: wf.workflowId,
  clock: new ManualClock(1_760_000_000_000_000),
  ...extra,
});

describe('audit bundle', () => {
  it('exports a run with its checkpoints, keys and artifacts, and verifies offline', async () => {
    const bundle = await exportBundle(await options({ seal: host }));
    const path = join(dir, `run${'.arbundle.jsonl'}`);
    await writeBundleFile(path, bundle);
    await expect(writeBundleFile(path, bundle)).rejects.toThrow(); // never overwrites
    expect(bundle.manifest).toMatchObject({ runId, workflowId: 'report_writer', records: 6, artifacts: 2, artifactContent: 'included', sealedBy: { actorId: host.key.actorId } });
    expect(await isBundleFile(path)).toBe(true);
    expect(await isBundleFile(folder.ledgerFiles.pathFor(runId))).toBe(false);
    const trustedPath = join(dir, 'trusted.json');
    await writeFile(trustedPath, JSON.stringify((await keys.publicKeys()).map(encodeActorKey)));
    const trusted = await readTrustedKeys(trustedPath);
    const report = await verifyBundle(path, { trustedKeys: trusted, requireSeal: true });
    expect(report.findings).toEqual([]);
    expect(report.provenance.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.artifacts.map((a) => [a.status, a.bound, a.referenced])).toEqual(
      expect.arrayContaining([
        ['ok', 'content-address', true],
        ['ok', 'content-address', false],
      ]),
    );
    expect((await exportBundle(await options({ seal: host }))).sha256).toBe(bundle.sha256); // deterministic
    const text = formatBundleReport(report);
    expect(text).toMatch(/^VERIFIED: everything holds, signed by trusted keys\nbundle of run .* \(report_writer\), exported .* sealed by ar_/);
    expect(text).toContain('signer Zoë (human');
    const broken = formatBundleReport(verifyBundleText(bundle.lines.filter((_, i) => i !== bundle.lines.length - 4).join(''), { trustedKeys: trusted }));
    expect(broken).toMatch(/^NOT VERIFIED: \d+ errors/);
    expect(broken).toMatch(/ERROR \[record \d\] chain_broken: the chain is broken between records/);
  });

  it("holds the ledger lines byte for byte: the run's JSONL file can be rebuilt and verified as Python's", async () => {
    const bundle = await exportBundle(await options());
    const lines = bundle.lines.filter((l) => l.startsWith('{"line":')).map((l) => (JSON.parse(l) as { line: string }).line + '\n');
    const original = await readFile(folder.ledgerFiles.pathFor(runId), 'utf8');
    expect(lines.join('')).toBe(original);
    const rebuilt = join(dir, `ledger_${runId}.jsonl`);
    await writeFile(rebuilt, lines.join(''));
    expect((await verifyLedgerFile(rebuilt, runId)).ok).toBe(true);
  });

  it('with --no-artifacts keeps only hashes, said as warnings; an unsealed bundle is a warning unless a seal is required', async () => {
    const bundle = await exportBundle(await options({ includeArtifacts: false }));
    const report = verifyBundleText(bundle.lines.join(''), { trustedKeys: await keys.publicKeys() });
    expect(report.ok).toBe(true);
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([
      ['artifact_content_missing', 'warning'],
      ['artifact_content_missing', 'warning'],
      ['bundle_unsealed', 'warning'],
    ]);
    expect(verifyBundleText(bundle.lines.join(''), { requireSeal: true }).ok).toBe(false);
  });

  it('a cut end together with its last checkpoint is caught by the seal, and only by the seal', async () => {
    const full = await exportBundle(await options());
    const cps = await checkpoints.list(runId);
    const previous = parseCheckpoint(cps.at(-2)).ok ? (parseCheckpoint(cps.at(-2)) as { ok: true; checkpoint: { claim: { seq: number } } }).checkpoint.claim.seq : -1;
    const ledgerRecords = (await folder.ledgerFiles.list(runId)).slice(0, previous + 1);
    const forgedUnsealed = await exportBundle(await options({ ledger: { list: async () => ledgerRecords, append: async () => undefined }, checkpoints: cps.slice(0, -1) }));
    expect(forgedUnsealed.manifest.records).toBeLessThan(full.manifest.records);
    expect(verifyBundleText(forgedUnsealed.lines.join(''), {}).provenance.ok).toBe(true); // consistent: the limit the docs state
    const original = await exportBundle(await options({ seal: host }));
    const manifestLine = original.lines[0]!;
    const tampered = [manifestLine, ...forgedUnsealed.lines.slice(1)].join('');
    const report = verifyBundleText(tampered, { trustedKeys: await keys.publicKeys() });
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['manifest_mismatch']));
  });

  it('detects every one of 300 random one-character edits of a sealed bundle', async () => {
    const text = (await exportBundle(await options({ seal: host }))).lines.join('');
    const trusted = await keys.publicKeys();
    const rng = new Rng(Number(process.env['TAMPER_SEED'] ?? 7));
    const missed: string[] = [];
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
    for (let n = 0; n < 300; n++) {
      const at = rng.int(text.length);
      if (text[at] === '\n') continue;
      const ch = rng.pick([...chars].filter((c) => c !== text[at]));
      const edited = text.slice(0, at) + ch + text.slice(at + 1);
      const report = verifyBundleText(edited, { trustedKeys: trusted, requireSeal: true });
      if (report.ok) missed.push(`at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 30), at + 30))} -> ${ch}`);
    }
    expect(missed).toEqual([]);
  });

  it('never throws on damaged files: dropped, doubled or cut lines, garbage', async () => {
    const lines = (await exportBundle(await options({ seal: host }))).lines;
    const rng = new Rng(3);
    for (let n = 0; n < 200; n++) {
      const copy = [...lines];
      const i = rng.int(copy.length);
      const op = rng.int(4);
      if (op === 0) copy.splice(i, 1);
      else if (op === 1) copy.splice(i, 0, copy[i]!);
      else if (op === 2) copy[i] = copy[i]!.slice(0, rng.int(copy[i]!.length)) + '\n';
      else copy[i] = `${JSON.stringify({ section: rng.pick(['key', 'checkpoint', 'record', 'artifact', 'manifest']), statement: 'x', line: '{', key: 1, artifact: [] })}\n`;
      const report = verifyBundleText(copy.join(''), { trustedKeys: await keys.publicKeys() });
      expect(report.ok, `op ${op} at line ${i}`).toBe(false);
    }
    await expect(verifyBundle(new Uint8Array([0xff, 0xfe, 0x00]))).rejects.toMatchObject({ reason: 'BUNDLE_UNREADABLE' });
    expect(verifyBundleText('').ok).toBe(false);
  });
});
