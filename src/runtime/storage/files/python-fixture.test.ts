/**
 * The data folder written by the Python reference (AbstractRuntime 0.2.0) through our stores:
 * everything loads, every chain and id recomputes, and writing it back gives the same bytes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeArtifactId } from '../../artifacts/artifact';
import { computeIdempotencyKey } from '../../core/policy';
import { type EffectType } from '../../core/enums';
import { isJsonObject, type JsonObject } from '../../json/json-value';
import { ManualClock, parseIsoTimestamp } from '../../json/timestamp';
import { HashChainedLedgerStore } from '../../ledger/hash-chained-ledger-store';
import { actorFingerprint } from '../../identity/actor-fingerprint';
import { FileArtifactStore } from './file-artifact-store';
import { copyFixture, FIXTURE_DIR, readManifest, removeDir, snapshotTree, tempDir, type FixtureManifest } from './fixture-helpers';
import { JsonFileRunStore } from './json-file-run-store';
import { JsonSnapshotStore } from './json-snapshot-store';
import { JsonlLedgerStore } from './jsonl-ledger-store';
import { openPythonDataFolder } from './python-data-folder';
import { verifyDataFolder } from './verify-data-folder';

let manifest: FixtureManifest;
const runIds = (): string[] => Object.values(manifest.runs).map((r) => r.run_id);
const dirs: string[] = [];

beforeAll(async () => {
  manifest = await readManifest();
});
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});

describe('the Python 0.2.0 fixture through the file stores', () => {
  it('loads every run with its workflow, status and parent', async () => {
    const folder = await openPythonDataFolder(FIXTURE_DIR, { readOnly: true });
    expect(runIds()).toHaveLength(12);
    for (const expected of Object.values(manifest.runs)) {
      const run = await folder.runStore.load(expected.run_id);
      expect(run, expected.run_id).not.toBeNull();
      expect(run!.workflowId).toBe(expected.workflow_id);
      expect(run!.status).toBe(expected.status);
      expect(run!.parentRunId).toBe(expected.parent_run_id);
    }
    expect(await folder.runStore.listRuns({ limit: 1000 })).toHaveLength(12);
    expect(folder.runStore.corruptFiles()).toEqual([]);
    const parent = manifest.runs['subworkflow_parent']!.run_id;
    expect((await folder.runStore.listChildren({ parentRunId: parent })).map((r) => r.runId).sort()).toEqual(
      Object.values(manifest.runs).filter((r) => r.parent_run_id === parent).map((r) => r.run_id).sort(),
    );
  });

  it('loads every ledger with the record counts of the manifest', async () => {
    const folder = await openPythonDataFolder(FIXTURE_DIR, { readOnly: true });
    expect(await folder.ledgerFiles.runIds()).toEqual(Object.keys(manifest.ledger_verification).sort());
    for (const [runId, v] of Object.entries(manifest.ledger_verification)) {
      const records = await folder.ledgerStore.list(runId);
      expect(records, runId).toHaveLength(v.count);
      expect((await folder.ledgerFiles.last(runId))!.recordHash).toBe(v.head_hash);
    }
  });

  it('verifies every chain, matching the head hash and count the Python verifier reported', async () => {
    const anchors = Object.fromEntries(Object.entries(manifest.ledger_verification).map(([id, v]) => [id, { count: v.count, headHash: v.head_hash }]));
    const result = await verifyDataFolder(FIXTURE_DIR, { anchors });
    expect(result.failures).toEqual([]);
    expect(result.corruptFiles).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.runs).toBe(12);
    expect(result.records).toBe(38);
    expect(result.runsWithoutLedger).toEqual(manifest.runs_without_ledger_file);
    for (const report of result.reports) {
      const expected = manifest.ledger_verification[report.runId]!;
      expect({ ok: report.ok, count: report.count, headHash: report.headHash }).toEqual({ ok: true, count: expected.count, headHash: expected.head_hash });
    }
  });

  it('loads every artifact; content-addressed ids recompute from the bytes, the explicit one does not', async () => {
    const folder = await openPythonDataFolder(FIXTURE_DIR, { readOnly: true });
    const all = await folder.artifactStore.listAll();
    expect(all.map((m) => m.artifactId).sort()).toEqual(
      [...manifest.artifacts.by_run.map((a) => a.artifact_id), manifest.artifacts.explicit.artifact_id].sort(),
    );
    for (const meta of all) {
      const artifact = await folder.artifactStore.load(meta.artifactId);
      expect(artifact!.content.byteLength).toBe(meta.sizeBytes);
      const recomputed = computeArtifactId(artifact!.content);
      if (meta.artifactId === manifest.artifacts.explicit.artifact_id) expect(recomputed).toBe('f8c1ccc7df7243da4740c5b7875f88b7');
      else expect(recomputed).toBe(meta.artifactId);
    }
    const byRun = await folder.artifactStore.listByRun(manifest.runs['artifacts']!.run_id);
    expect(byRun.map((m) => ({ artifact_id: m.artifactId, content_type: m.contentType, size_bytes: m.sizeBytes, created_at: m.createdAt, run_id: m.runId, tags: m.tags })).sort((a, b) => a.artifact_id.localeCompare(b.artifact_id))).toEqual(
      [...manifest.artifacts.by_run].sort((a, b) => a.artifact_id.localeCompare(b.artifact_id)),
    );
    expect(await folder.artifactStore.loadText('56b25ef4f609593eb267d25473d24cb6')).toBe('plain note ✓');
  });

  it('loads both snapshots', async () => {
    const folder = await openPythonDataFolder(FIXTURE_DIR, { readOnly: true });
    const listed = await folder.snapshotStore.list();
    expect(listed.map((s) => s.snapshotId).sort()).toEqual(Object.values(manifest.snapshots).sort());
    const after = await folder.snapshotStore.load(manifest.snapshots['after_answer']!);
    expect(after!.runId).toBe(manifest.runs['ask_user']!.run_id);
    expect(after!.stepId).not.toBeNull();
  });

  it("recomputes the manifest's actor id and every idempotency key in the ledgers", async () => {
    const { actor } = manifest;
    expect(actorFingerprint({ kind: actor.kind, displayName: actor.display_name, metadata: actor.metadata }).actorId).toBe(actor.actor_id);
    const ledgers = new JsonlLedgerStore(FIXTURE_DIR, { readOnly: true });
    let checked = 0;
    for (const runId of await ledgers.runIds()) {
      for (const d of await ledgers.listDicts(runId)) {
        if (d['idempotency_key'] === null) continue;
        const effect = d['effect'] as JsonObject;
        expect(isJsonObject(effect)).toBe(true);
        const key = computeIdempotencyKey({
          runId: d['run_id'] as string,
          nodeId: d['node_id'] as string,
          effect: { type: effect['type'] as EffectType, payload: effect['payload'] as JsonObject },
        });
        expect(key, `${runId} ${String(d['step_id'])}`).toBe(d['idempotency_key']);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
    const llm = (await ledgers.list(manifest.runs['multi_step']!.run_id))[0]!;
    expect(llm.idempotencyKey).toBe(manifest.runs['multi_step']!.idempotency_key_llm);
  });

  it('writes every run, snapshot, artifact .meta/.bin and ledger back byte for byte', async () => {
    const src = await copyFixture();
    const dst = await tempDir('roundtrip');
    dirs.push(src, dst);
    const original = await snapshotTree(src);

    const runsIn = new JsonFileRunStore(src);
    const runsOut = new JsonFileRunStore(dst, { fsync: false });
    for (const id of runIds()) await runsOut.save((await runsIn.load(id))!);

    // Snapshot `save` stamps updatedAt = now: a clock pinned to the stored value writes it unchanged.
    const clock = new ManualClock(0);
    const snapsIn = new JsonSnapshotStore(join(src, 'snapshots'));
    const snapsOut = new JsonSnapshotStore(join(dst, 'snapshots'), { clock, fsync: false });
    for (const snap of await snapsIn.list()) {
      clock.set(parseIsoTimestamp(snap.updatedAt)!);
      await snapsOut.save(snap);
    }

    const artsIn = new FileArtifactStore(src);
    const artsOut = new FileArtifactStore(dst, { clock, fsync: false });
    for (const meta of await artsIn.listAll()) {
      const artifact = (await artsIn.load(meta.artifactId))!;
      clock.set(parseIsoTimestamp(meta.createdAt)!);
      const explicit = meta.artifactId === manifest.artifacts.explicit.artifact_id;
      await artsOut.store(artifact.content, { contentType: meta.contentType, runId: meta.runId, tags: meta.tags, artifactId: explicit ? meta.artifactId : null });
    }

    // Re-appended through the chain decorator: prev_hash and record_hash are recomputed, not copied.
    const ledgerIn = new JsonlLedgerStore(src);
    const ledgerOut = new HashChainedLedgerStore(new JsonlLedgerStore(dst, { fsync: false }));
    for (const runId of await ledgerIn.runIds()) {
      for (const record of await ledgerIn.list(runId)) await ledgerOut.append({ ...record, prevHash: null, recordHash: null });
    }

    const rewritten = await snapshotTree(dst);
    expect([...rewritten.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [rel, bytes] of original) expect(rewritten.get(rel)!.equals(bytes), rel).toBe(true);
    expect((await readFile(join(dst, `run_${runIds()[0]!}.json`), 'utf8')).endsWith('}')).toBe(true);
  });

  it('opening the fixture read-only changes nothing on disk', async () => {
    const before = await snapshotTree(FIXTURE_DIR);
    await verifyDataFolder(FIXTURE_DIR);
    const folder = await openPythonDataFolder(FIXTURE_DIR, { readOnly: true });
    await folder.runStore.listRuns();
    await expect(folder.runStore.save((await folder.runStore.load(runIds()[0]!))!)).rejects.toMatchObject({ code: 'READ_ONLY', readOnly: true });
    const after = await snapshotTree(FIXTURE_DIR);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [rel, bytes] of before) expect(after.get(rel)!.equals(bytes), rel).toBe(true);
  });
});
