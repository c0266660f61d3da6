/**
 * The store contract, written once and run on every store family (memory, JSON files, SQLite):
 * each `*.test.ts` of a family calls `describeStoreContract` with a factory. Not exported by the
 * library; it lives here so the families cannot drift apart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ArtifactStore } from '../../artifacts/artifact-store';
import { artifactRef, isArtifactRef, computeArtifactId } from '../../artifacts/artifact';
import { resolveArtifact } from '../../artifacts/artifact-store';
import { RunStatus, WaitReason } from '../../core/enums';
import { EffectOutcome } from '../../core/outcome';
import { cloneRunState, type RunState, type StepRecord, waitState } from '../../core/models';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { JsonNumber } from '../../json/json-number';
import { parseJson } from '../../json/parse';
import { verifyLedgerChain } from '../../ledger/chain-verifier';
import { snapshotFromRun, type SnapshotStore } from '../../snapshots/snapshot';
import { type LedgerStore } from '../ledger-store';
import { type QueryableRunStore } from '../run-store';
import { type CheckpointCursor, type CheckpointInfo } from '../sqlite/checkpoints';

/** Every state a workspace saved, by ledger seq (time travel): the SQLite and PostgreSQL workspaces. */
export interface StateHistory {
  stateAt(runId: string, seq: number): Promise<RunState | null>;
  listCheckpoints(runId: string, options?: { after?: CheckpointCursor; limit?: number }): Promise<CheckpointInfo[]>;
}

export interface StoreKit {
  runStore: QueryableRunStore;
  /** The ledger store a Runtime is given: it hash-chains records on append. */
  ledgerStore: LedgerStore;
  artifactStore: ArtifactStore;
  snapshotStore: SnapshotStore;
  /** The workspace's saved states, for families that keep them (absent: the history checks are skipped). */
  history?: StateHistory;
  /** New store instances over the same storage, as after a process restart (absent for memory). */
  reopen?: () => Promise<StoreKit>;
  close?: () => Promise<void>;
}

let seq = 0;
export function makeRun(over: Partial<RunState> = {}): RunState {
  seq++;
  const ts = `2025-12-17T08:30:${String(seq % 60).padStart(2, '0')}.${String(seq).padStart(6, '0')}+00:00`;
  return {
    runId: `run-${seq}-${Math.random().toString(16).slice(2, 8)}`,
    workflowId: 'wf_a',
    status: RunStatus.RUNNING,
    currentNode: 'start',
    vars: { _limits: { max_iterations: 25 } },
    waiting: null,
    output: null,
    error: null,
    createdAt: ts,
    updatedAt: ts,
    actorId: null,
    sessionId: null,
    parentRunId: null,
    ...over,
  };
}

/** A plain completed llm_call record for ledger tests (unchained: prev/record hash null). */
export function sampleRecord(runId: string, i: number, over: Partial<StepRecord> = {}): StepRecord {
  return {
    runId,
    stepId: `step-${i}`,
    nodeId: `node-${i % 3}`,
    status: 'completed',
    effect: { type: 'llm_call', payload: { prompt: `question ${i}`, model: 'stub', temperature: 1.5 }, resultKey: 'answer' },
    result: { content: `answer ${i}` },
    error: null,
    startedAt: '2025-12-17T08:30:00.000001+00:00',
    endedAt: '2025-12-17T08:30:00.000002+00:00',
    actorId: null,
    sessionId: null,
    attempt: 1,
    idempotencyKey: `key-${i}`,
    prevHash: null,
    recordHash: null,
    signature: null,
    ...over,
  };
}

const askWorkflow = new WorkflowSpec({
  workflowId: 'contract_ask',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: 'ask_user', payload: { prompt: 'Colour? ☕', choices: ['red', 'green'] }, resultKey: 'answer' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { answer: run.vars['answer'] ?? null } }),
  },
});

// Each turn adds a message to a transcript (a state that grows, as an agent's does) and asks a stub.
const TURNS = 12;
const growWorkflow = new WorkflowSpec({
  workflowId: 'contract_grow',
  entryNode: 'turn',
  nodes: {
    turn: (run) => {
      const transcript = Array.isArray(run.vars['transcript']) ? run.vars['transcript'] : [];
      run.vars['transcript'] = [...transcript, { role: 'user', text: `message ${transcript.length} ☕`, n: transcript.length }];
      const next = transcript.length + 1 >= TURNS ? 'done' : 'turn';
      return { nodeId: 'turn', effect: { type: 'llm_call', payload: { prompt: `turn ${transcript.length}` }, resultKey: 'reply' }, nextNode: next };
    },
    done: (run) => ({ nodeId: 'done', completeOutput: { turns: Array.isArray(run.vars['transcript']) ? run.vars['transcript'].length : 0 } }),
  },
});

export function describeStoreContract(family: string, makeKit: () => Promise<StoreKit>): void {
  describe(`store contract: ${family}`, () => {
    const open: StoreKit[] = [];
    const kit = async (): Promise<StoreKit> => {
      const k = await makeKit();
      open.push(k);
      return k;
    };
    const reopen = async (k: StoreKit): Promise<StoreKit> => {
      if (!k.reopen) return k;
      const k2 = await k.reopen();
      open.push(k2);
      return k2;
    };
    afterEach(async () => {
      for (const k of open.splice(0)) await k.close?.();
    });

    describe('runs', () => {
      it('saves and loads a run, and hands out copies', async () => {
        const { runStore } = await kit();
        const run = makeRun({ vars: { a: 1, nested: { b: [1, 'two', null] } } });
        await runStore.save(run);
        const loaded = await runStore.load(run.runId);
        expect(loaded).toEqual(run);
        loaded!.vars['a'] = 99;
        expect((await runStore.load(run.runId))!.vars['a']).toBe(1);
        expect(await runStore.load('missing')).toBeNull();
      });

      it('keeps unicode, big integers and float lexemes through a restart', async () => {
        const k = await kit();
        const vars = parseJson('{"2":"two","a":"café ☕ 🎉","big":123456789012345678901234567890,"f":1.0,"e":1e-05,"z":-0.0}');
        const run = makeRun({ vars: vars as RunState['vars'] });
        await k.runStore.save(run);
        const loaded = await (await reopen(k)).runStore.load(run.runId);
        expect(loaded!.vars['a']).toBe('café ☕ 🎉');
        expect(loaded!.vars['big']).toBe(123456789012345678901234567890n);
        expect(loaded!.vars['f']).toBeInstanceOf(JsonNumber);
        expect(String(loaded!.vars['f'])).toBe('1.0');
        expect(loaded!.vars['e']).toBe(1e-5);
      });

      it('lists runs newest first with status, wait reason and workflow filters and a limit', async () => {
        const { runStore } = await kit();
        const a = makeRun({ status: RunStatus.WAITING, waiting: waitState({ reason: WaitReason.USER, waitKey: 'k' }) });
        const b = makeRun({ status: RunStatus.COMPLETED, workflowId: 'wf_b' });
        const c = makeRun({ status: RunStatus.WAITING, waiting: waitState({ reason: WaitReason.UNTIL, until: '2020-01-01T00:00:00+00:00' }) });
        for (const r of [a, b, c]) await runStore.save(r);
        expect(await runStore.listRuns()).toHaveLength(3);
        expect((await runStore.listRuns()).map((r) => r.runId)).toEqual([c.runId, b.runId, a.runId]);
        expect((await runStore.listRuns({ status: RunStatus.WAITING })).map((r) => r.runId)).toEqual([c.runId, a.runId]);
        expect((await runStore.listRuns({ status: RunStatus.COMPLETED })).map((r) => r.runId)).toEqual([b.runId]);
        expect((await runStore.listRuns({ waitReason: WaitReason.USER })).map((r) => r.runId)).toEqual([a.runId]);
        expect((await runStore.listRuns({ waitReason: WaitReason.UNTIL })).map((r) => r.runId)).toEqual([c.runId]);
        expect(await runStore.listRuns({ workflowId: 'wf_a' })).toHaveLength(2);
        expect(await runStore.listRuns({ status: RunStatus.WAITING, waitReason: WaitReason.USER, workflowId: 'wf_a' })).toHaveLength(1);
        expect(await runStore.listRuns({ limit: 2 })).toHaveLength(2);
      });

      it('lists due wait_until runs, earliest first, and not future or non-until waits', async () => {
        const k = await kit();
        const late = makeRun({ status: RunStatus.WAITING, waiting: waitState({ reason: WaitReason.UNTIL, until: '2025-01-02T00:00:00+00:00' }) });
        const early = makeRun({ status: RunStatus.WAITING, waiting: waitState({ reason: WaitReason.UNTIL, until: '2025-01-01T00:00:00+00:00' }) });
        const future = makeRun({ status: RunStatus.WAITING, waiting: waitState({ reason: WaitReason.UNTIL, until: '2099-01-01T00:00:00+00:00' }) });
        const user = makeRun({ status: RunStatus.WAITING, waiting: waitState({ reason: WaitReason.USER, waitKey: 'u' }) });
        for (const r of [late, early, future, user]) await k.runStore.save(r);
        const now = '2026-01-01T00:00:00+00:00';
        expect(await k.runStore.listDueWaitUntil({ nowIso: '2000-01-01T00:00:00+00:00' })).toEqual([]);
        expect((await k.runStore.listDueWaitUntil({ nowIso: now })).map((r) => r.runId)).toEqual([early.runId, late.runId]);
        expect(await k.runStore.listDueWaitUntil({ nowIso: now, limit: 1 })).toHaveLength(1);
        const again = await reopen(k);
        expect((await again.runStore.listDueWaitUntil({ nowIso: now })).map((r) => r.runId)).toEqual([early.runId, late.runId]);
      });

      it('lists children of a parent, optionally by status', async () => {
        const { runStore } = await kit();
        const parent = makeRun();
        const c1 = makeRun({ parentRunId: parent.runId });
        const c2 = makeRun({ parentRunId: parent.runId, status: RunStatus.COMPLETED });
        for (const r of [parent, c1, c2, makeRun()]) await runStore.save(r);
        expect((await runStore.listChildren({ parentRunId: parent.runId })).map((r) => r.runId).sort()).toEqual([c1.runId, c2.runId].sort());
        expect((await runStore.listChildren({ parentRunId: parent.runId, status: RunStatus.COMPLETED })).map((r) => r.runId)).toEqual([c2.runId]);
      });

      it('overwrites a run on save', async () => {
        const { runStore } = await kit();
        const run = makeRun();
        await runStore.save(run);
        await runStore.save({ ...run, status: RunStatus.COMPLETED, output: { ok: true }, updatedAt: '2030-01-01T00:00:00+00:00' });
        expect((await runStore.load(run.runId))!.status).toBe('completed');
        expect(await runStore.listRuns()).toHaveLength(1);
      });
    });

    describe('ledger', () => {
      it('appends in order per run and chains the hashes', async () => {
        const { ledgerStore } = await kit();
        for (let i = 0; i < 5; i++) await ledgerStore.append(sampleRecord('r1', i));
        await ledgerStore.append(sampleRecord('r2', 0));
        const list = await ledgerStore.list('r1');
        expect(list.map((r) => r.stepId)).toEqual(['step-0', 'step-1', 'step-2', 'step-3', 'step-4']);
        expect(list[0]!.prevHash).toBeNull();
        expect(list[1]!.prevHash).toBe(list[0]!.recordHash);
        expect(verifyLedgerChain(list)).toMatchObject({ ok: true, count: 5, headHash: list[4]!.recordHash, firstBadIndex: null });
        expect(await ledgerStore.list('r2')).toHaveLength(1);
        expect(await ledgerStore.list('none')).toEqual([]);
      });

      it('continues the chain after a restart', async () => {
        const k = await kit();
        await k.ledgerStore.append(sampleRecord('r1', 0));
        const k2 = await reopen(k);
        await k2.ledgerStore.append(sampleRecord('r1', 1));
        const list = await k2.ledgerStore.list('r1');
        expect(list[1]!.prevHash).toBe(list[0]!.recordHash);
        expect(verifyLedgerChain(list).ok).toBe(true);
      });

      it('finds the latest completed record by idempotency key', async () => {
        const { ledgerStore } = await kit();
        await ledgerStore.append(sampleRecord('r1', 0, { idempotencyKey: 'K', status: 'started', result: null }));
        await ledgerStore.append(sampleRecord('r1', 1, { idempotencyKey: 'K', result: { v: 1 } }));
        await ledgerStore.append(sampleRecord('r1', 2, { idempotencyKey: 'K', result: { v: 2 } }));
        const found = ledgerStore.findCompleted ? await ledgerStore.findCompleted('r1', 'K') : null;
        if (ledgerStore.findCompleted) expect(found!.result).toEqual({ v: 2 });
        if (ledgerStore.last) expect((await ledgerStore.last('r1'))!.stepId).toBe('step-2');
      });
    });

    describe('artifacts', () => {
      it('stores bytes content-addressed, with metadata, and loads them back', async () => {
        const { artifactStore: s } = await kit();
        const bytes = new TextEncoder().encode('hello world');
        const meta = await s.store(bytes, { contentType: 'text/plain', runId: 'r1', tags: { kind: 'note' } });
        expect(meta.artifactId).toBe(computeArtifactId(bytes));
        expect(meta).toMatchObject({ contentType: 'text/plain', sizeBytes: 11, runId: 'r1', tags: { kind: 'note' } });
        const a = await s.load(meta.artifactId);
        expect(new TextDecoder().decode(a!.content)).toBe('hello world');
        expect((await s.store(bytes)).artifactId).toBe(meta.artifactId);
        expect((await s.store(new TextEncoder().encode('other'))).artifactId).not.toBe(meta.artifactId);
        expect(await s.exists(meta.artifactId)).toBe(true);
        expect((await s.getMetadata(meta.artifactId))!.sizeBytes).toBe(11);
      });

      it('accepts an explicit id and rejects ids that could escape a folder', async () => {
        const { artifactStore: s } = await kit();
        for (const id of ['abc123', 'my-artifact', 'test_artifact', 'ABC-123_test']) {
          await s.store(new Uint8Array([1]), { artifactId: id });
          expect(await s.exists(id)).toBe(true);
        }
        for (const id of ['../../../etc/passwd', 'test/file', 'test.file', '']) {
          await expect(s.store(new Uint8Array([1]), { artifactId: id })).rejects.toMatchObject({ code: 'INVALID_ARTIFACT_ID' });
        }
      });

      it('deletes, lists by run, lists all newest first, searches and deletes by run', async () => {
        const { artifactStore: s } = await kit();
        const a = await s.storeText('a note', { runId: 'r1', tags: { kind: 'note' } });
        await new Promise((r) => setTimeout(r, 2));
        const b = await s.storeJson({ report: [1, 2] }, { runId: 'r1', tags: { kind: 'report' } });
        await new Promise((r) => setTimeout(r, 2));
        const c = await s.storeText('other note', { runId: 'r2', tags: { kind: 'note' } });
        expect((await s.listByRun('r1')).map((m) => m.artifactId).sort()).toEqual([a.artifactId, b.artifactId].sort());
        expect(await s.listByRun('r3')).toEqual([]);
        expect((await s.listAll()).map((m) => m.artifactId)).toEqual([c.artifactId, b.artifactId, a.artifactId]);
        expect(await s.listAll({ limit: 2 })).toHaveLength(2);
        expect((await s.search({ runId: 'r1', contentType: 'text/plain' })).map((m) => m.artifactId)).toEqual([a.artifactId]);
        expect((await s.search({ tags: { kind: 'note' } })).map((m) => m.artifactId)).toEqual([c.artifactId, a.artifactId]);
        expect(await s.deleteByRun('r1')).toBe(2);
        expect(await s.deleteByRun('nope')).toBe(0);
        expect(await s.listAll()).toHaveLength(1);
        expect(await s.delete(c.artifactId)).toBe(true);
        expect(await s.delete(c.artifactId)).toBe(false);
        expect(await s.load(c.artifactId)).toBeNull();
        expect(await s.loadText(c.artifactId)).toBeNull();
        expect(await s.loadJson(c.artifactId)).toBeNull();
      });

      it('round-trips text, JSON, empty, binary and 1 MiB content, and survives a restart', async () => {
        const k = await kit();
        const s = k.artifactStore;
        const t = await s.storeText('Héllo, 世界! 🌍');
        const j = await s.storeJson({ emoji: '🎉', cjk: '中文', ar: 'مرحبا', math: '∑∫√' });
        const empty = await s.store(new Uint8Array(0));
        const bin = await s.store(new Uint8Array([0, 1, 0, 255, 0]), { artifactId: 'bin-1' });
        const big = await s.store(new Uint8Array(1024 * 1024).fill(7));
        const s2 = (await reopen(k)).artifactStore;
        expect(await s2.loadText(t.artifactId)).toBe('Héllo, 世界! 🌍');
        expect(await s2.loadJson(j.artifactId)).toEqual({ emoji: '🎉', cjk: '中文', ar: 'مرحبا', math: '∑∫√' });
        expect(empty.sizeBytes).toBe(0);
        expect([...(await s2.load(bin.artifactId))!.content]).toEqual([0, 1, 0, 255, 0]);
        expect((await s2.load(big.artifactId))!.content.byteLength).toBe(1024 * 1024);
        const ref = artifactRef(j.artifactId);
        expect(isArtifactRef(ref)).toBe(true);
        expect((await resolveArtifact(ref, s2))!.metadata.contentType).toBe('application/json');
        expect(await resolveArtifact({ other: 1 }, s2)).toBeNull();
      });
    });

    describe('snapshots', () => {
      it('saves, loads, searches and deletes, stamping updatedAt on save', async () => {
        const k = await kit();
        const run = makeRun({ vars: { invoice: 42 } });
        const first = snapshotFromRun({ run, name: 'first invoice', tags: ['Invoice'], description: 'before' });
        first.createdAt = '2025-01-01T00:00:00+00:00';
        const before = first.updatedAt;
        await new Promise((r) => setTimeout(r, 2));
        await k.snapshotStore.save(first);
        expect(first.updatedAt).not.toBe(before);
        const second = snapshotFromRun({ run: makeRun(), name: 'second', tags: ['prod'] });
        second.createdAt = '2025-01-02T00:00:00+00:00';
        await k.snapshotStore.save(second);
        const s2 = (await reopen(k)).snapshotStore;
        const loaded = await s2.load(first.snapshotId);
        expect(loaded!.name).toBe('first invoice');
        expect(loaded!.runState['vars']).toEqual({ invoice: 42 });
        expect((await s2.list({ tag: 'invoice' })).map((s) => s.snapshotId)).toEqual([first.snapshotId]);
        expect((await s2.list({ query: 'FIRST' })).map((s) => s.snapshotId)).toEqual([first.snapshotId]);
        expect((await s2.list({ query: 'befo' })).map((s) => s.snapshotId)).toEqual([first.snapshotId]);
        expect((await s2.list({ runId: run.runId })).map((s) => s.snapshotId)).toEqual([first.snapshotId]);
        expect((await s2.list()).map((s) => s.snapshotId)).toEqual([second.snapshotId, first.snapshotId]);
        expect(await s2.list({ limit: 1 })).toHaveLength(1);
        expect(await s2.delete(first.snapshotId)).toBe(true);
        expect(await s2.delete(first.snapshotId)).toBe(false);
        expect(await s2.load(first.snapshotId)).toBeNull();
      });
    });

    describe('state history', () => {
      it('gives back the state every commit saved, at every ledger seq and in save order, across a restart', async (ctx) => {
        const k = await kit();
        if (!k.history) return ctx.skip();
        const saved: { seq: number; state: RunState }[] = [];
        let records = 0;
        const drive = async (kit2: StoreKit, runId: string | null, ticks: number): Promise<string> => {
          const rt = new Runtime({ runStore: kit2.runStore, ledgerStore: kit2.ledgerStore, effectHandlers: { llm_call: async (_r, e) => EffectOutcome.completed({ content: `re: ${String(e.payload?.['prompt'])}` }) } });
          rt.onEvent((e) => {
            if (e.type === 'records-appended') records += e.records.length;
            if (e.type === 'run-saved') saved.push({ seq: records - 1, state: cloneRunState(e.run) });
          });
          const id = runId ?? (await rt.start({ workflow: growWorkflow, vars: { topic: 'history' } }));
          await rt.tick({ workflow: growWorkflow, runId: id, maxSteps: ticks });
          return id;
        };
        const runId = await drive(k, null, 5);
        const k2 = await reopen(k); // a new writer: it knows no state it saved before
        await drive(k2, runId, 1000);
        const history = k2.history!;
        expect(saved.at(-1)!.state.status).toBe('completed');
        const bySeq = new Map(saved.map((s) => [s.seq, s.state]));
        let expected: RunState | null = null;
        for (let seq = -1; seq <= records + 1; seq++) {
          expected = bySeq.get(seq) ?? expected;
          expect(await history.stateAt(runId, seq)).toEqual(expected);
        }
        expect(await history.stateAt(runId, -2)).toBeNull();
        expect(await history.stateAt('no-such-run', 3)).toBeNull();
        const listed: CheckpointInfo[] = [];
        for (let page = await history.listCheckpoints(runId, { limit: 7 }); page.length > 0; page = await history.listCheckpoints(runId, { limit: 7, after: page.at(-1)! })) {
          listed.push(...page);
        }
        expect(listed.map((c) => c.state)).toEqual(saved.map((s) => s.state));
        expect(listed.map((c) => c.seq)).toEqual(saved.map((s) => s.seq));
      });
    });

    describe('with the runtime', () => {
      it('waits for a person, survives a restart, resumes and verifies', async () => {
        const k = await kit();
        const rt = new Runtime({ runStore: k.runStore, ledgerStore: k.ledgerStore, artifactStore: k.artifactStore });
        const runId = await rt.start({ workflow: askWorkflow, vars: { topic: 'café' } });
        const waiting = await rt.tick({ workflow: askWorkflow, runId });
        expect(waiting.status).toBe('waiting');
        const k2 = await reopen(k);
        const rt2 = new Runtime({ runStore: k2.runStore, ledgerStore: k2.ledgerStore });
        const reloaded = await rt2.getState(runId);
        expect(reloaded.waiting!.waitKey).toBe(`user:${runId}:ask`);
        const done = await rt2.resume({ workflow: askWorkflow, runId, waitKey: reloaded.waiting!.waitKey, payload: { response: 'green' } });
        expect(done.status).toBe('completed');
        expect(done.output).toEqual({ answer: { response: 'green' } });
        const ledger = await rt2.getLedger(runId);
        expect(ledger.map((r) => r.status)).toEqual(['started', 'waiting', 'completed', 'completed']);
        expect(verifyLedgerChain(ledger).ok).toBe(true);
      });
    });
  });
}
