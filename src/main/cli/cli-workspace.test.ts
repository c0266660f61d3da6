/**
 * The CLI on a SQLite workspace made here by the real runtime: `runs`, `verify` (clean and
 * tampered) and the `export` round trip (the exported folder verifies with `studio verify` and
 * with the independent, stdlib-only Python check).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EffectType, EffectOutcome, parseJson, Runtime, WorkflowSpec, type JsonObject } from '../../runtime/index';
import { CHAIN_ERRORS } from '../../shared/chain-errors';
import { runIndependentVerify } from '../../runtime/storage/files/fixture-helpers';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { type RunRow } from './runs-command';
import { PACKAGE_ROOT, runStudio, TempDirs } from './test-support';

// Floats, big integers and unicode that JavaScript writes differently from Python.
const HAZARDS = parseJson('{"f":1.0,"tiny":1e-05,"huge":1e+16,"big":123456789012345678901234567890,"text":"café ☕"}') as JsonObject;

const llmWorkflow = new WorkflowSpec({
  workflowId: 'cli_llm',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: EffectType.LLM_CALL, payload: { prompt: 'hi', params: HAZARDS }, resultKey: 'llm' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { llm: run.vars['llm'] ?? null } }),
  },
});

const askWorkflow = new WorkflowSpec({
  workflowId: 'cli_ask',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Colour?', choices: ['red', 'green'] }, resultKey: 'a' }, nextNode: 'done' }),
    done: () => ({ nodeId: 'done', completeOutput: { ok: true } }),
  },
});

const temps = new TempDirs();
let wsPath = '';
let completedRun = '';
let waitingRun = '';

beforeEach(async () => {
  wsPath = join(temps.make('ws'), 'test.studio.sqlite');
  const ws = SqliteWorkspace.open(wsPath);
  const runtime = new Runtime({
    runStore: ws.runs,
    ledgerStore: ws.ledger,
    artifactStore: ws.artifacts,
    effectHandlers: { [EffectType.LLM_CALL]: () => EffectOutcome.completed({ content: 'hello ☕', usage: HAZARDS }) },
  });
  completedRun = await runtime.start({ workflow: llmWorkflow });
  await runtime.tick({ workflow: llmWorkflow, runId: completedRun });
  waitingRun = await runtime.start({ workflow: askWorkflow });
  await runtime.tick({ workflow: askWorkflow, runId: waitingRun });
  await ws.artifacts.storeJson({ report: HAZARDS }, { runId: completedRun, tags: { kind: 'report' } });
  await ws.artifacts.storeText('notes ☕', { runId: completedRun });
  ws.close();
});
afterEach(() => temps.cleanup());

describe('studio runs', () => {
  it('lists the runs of a workspace, filtered and as JSON', async () => {
    const table = await runStudio(['runs', wsPath]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${completedRun} +cli_llm +completed +done`));
    expect(table.stdout).toMatch(new RegExp(`${waitingRun} +cli_ask +waiting +ask +user`));
    expect(table.stdout).toContain('2 runs');

    const waiting = await runStudio(['runs', wsPath, '--status', 'waiting', '--json']);
    expect((JSON.parse(waiting.stdout) as RunRow[]).map((r) => [r.runId, r.waitReason])).toEqual([[waitingRun, 'user']]);
    const byWorkflow = await runStudio(['runs', wsPath, '--workflow', 'cli_llm', '--json']);
    expect((JSON.parse(byWorkflow.stdout) as RunRow[]).map((r) => r.runId)).toEqual([completedRun]);
    const limited = await runStudio(['runs', wsPath, '--limit', '1', '--json']);
    expect(JSON.parse(limited.stdout)).toHaveLength(1);
  });

  it('lists the runs of a Python data folder too', async () => {
    const r = await runStudio(['runs', 'test/fixtures/python-abstractruntime-0.2.0', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as RunRow[]).map((x) => x.runId)).toContain('00000000-0000-4000-8000-000000000001');
  });
});

describe('studio verify <workspace>', () => {
  it('verifies every run: exit 0', async () => {
    const r = await runStudio(['verify', wsPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('All 2 chains verified');
    // The hash chains are all this checks: it must not read as "who wrote it is proven".
    expect(r.stdout).toContain('Checked: the hash chains (integrity). Not checked: signatures or who wrote the records: export a bundle (studio export <workspace> <run> --bundle) and verify it with --trusted.');
    expect(r.stderr).toContain(`[1/2]`); // progress goes to stderr, stdout stays the report
  });

  it('names the tampered run and record: exit 1', async () => {
    const db = new Database(wsPath);
    db.exec('DROP TRIGGER ledger_append_only_update; DROP TRIGGER ledger_append_only_delete;');
    db.prepare("UPDATE ledger SET canonical = replace(canonical, 'hello', 'HELLO') WHERE id = ((SELECT run_key FROM run_keys WHERE run_id = ?) << 32) + 1").run(completedRun);
    db.close();
    const r = await runStudio(['verify', wsPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`BROKEN +run ${completedRun}`));
    expect(r.stdout).toContain('first bad record: index 1: Record 1 was changed after it was written');
    expect(r.stdout).toContain(`what to do: ${CHAIN_ERRORS.record_hash_mismatch.advice}`);
    expect(r.stdout).toMatch(new RegExp(`verified +run ${waitingRun}`));
    const json = JSON.parse((await runStudio(['verify', wsPath, '--run', completedRun, '--json'])).stdout);
    expect(json).toMatchObject({ ok: false, runs: [{ runId: completedRun, firstBadIndex: 1 }] });
  });
});

describe('studio export', () => {
  it('writes a Python-layout folder that verifies with studio verify and with the Python check', async () => {
    const out = join(temps.make('export'), 'exported');
    const r = await runStudio(['export', wsPath, completedRun, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Exported run ${completedRun} (3 records, 2 artifacts)`);
    expect(readdirSync(out).sort()).toEqual(['artifacts', `ledger_${completedRun}.jsonl`, `run_${completedRun}.json`]);
    expect(readdirSync(join(out, 'artifacts'))).toHaveLength(4);

    const verify = await runStudio(['verify', out]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('The chain verified (3 records).');

    const files = [`ledger_${completedRun}.jsonl`, `run_${completedRun}.json`, ...readdirSync(join(out, 'artifacts')).filter((f) => f.endsWith('.meta')).map((f) => join('artifacts', f))];
    const reports = await runIndependentVerify(files.map((f) => join(out, f)));
    for (const report of reports) expect(report).toMatchObject({ bytes_match_python: true });
    expect(reports[0]).toMatchObject({ ok: true, count: 3 });
  });

  it('refuses an unknown run and a folder that is not empty (exit 2), writing nothing', async () => {
    const dir = temps.make('export');
    const unknown = await runStudio(['export', wsPath, 'no-such-run', '--out', join(dir, 'x')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no run no-such-run');
    const taken = await runStudio(['export', wsPath, completedRun, '--out', join(PACKAGE_ROOT, 'src')]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('already exists and is not empty');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
