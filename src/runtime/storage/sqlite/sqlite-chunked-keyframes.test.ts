/**
 * Chunked keyframes on a real SQLite file (migration 8, state-delta/chunks.ts): an agent whose
 * transcript grows by a ~1 KB message per step, with an old message edited in place and the
 * front of the transcript cut now and then. Every state saved reads back byte for byte (after a
 * reopen too, in a random order), keyframes come every few dozen saves without the file holding
 * the transcript once per keyframe, and the states handed out are the caller's to edit.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunState } from '../../core/models';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { EffectOutcome } from '../../core/outcome';
import { type JsonObject, type JsonValue } from '../../json/json-value';
import { isStateDeltaText } from '../state-delta/state-delta';
import { stateText } from './checkpoint-state';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

const STEPS = 400;

function growing(edits: boolean | 'every step'): WorkflowSpec {
  return new WorkflowSpec({
    workflowId: 'growing',
    entryNode: 'turn',
    nodes: {
      turn: (run) => {
        const messages = (run.vars['messages'] ??= []) as JsonObject[];
        const i = Number(run.vars['turns'] ?? 0);
        run.vars['turns'] = i + 1;
        if (i >= STEPS) return { nodeId: 'turn', completeOutput: { turns: i } };
        messages.push({ role: i % 2 ? 'assistant' : 'user', content: `${i} ✓ ${'x'.repeat(1000)}` });
        if (edits === 'every step') (messages[0] as JsonObject)['seen'] = i; // the first message edited in place at every step
        if (edits === true && i === 150) (messages[3] as JsonObject)['content'] = 'edited in place'; // an old message, same object
        if (edits === true && i === 250) messages.splice(0, 2); // the front cut
        if (edits === true && i === 300) (messages[200] as JsonObject)['extra'] = { n: 2n ** 64n };
        return { nodeId: 'turn', effect: { type: 'llm_call', payload: { prompt: `turn ${i}` }, resultKey: '_temp.llm' }, nextNode: 'turn' };
      },
    },
  });
}

async function recorded(path: string, edits: boolean | 'every step'): Promise<{ runId: string; saved: { text: string }[] }> {
  const ws = temp.open(path);
  const rt = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: () => EffectOutcome.completed({ content: 'ok' }) } });
  const saved: { text: string }[] = [];
  rt.onEvent((e) => {
    if (e.type === 'run-saved') saved.push({ text: stateText(e.run) });
  });
  const wf = growing(edits);
  const runId = await rt.start({ workflow: wf });
  expect((await rt.tick({ workflow: wf, runId, maxSteps: STEPS + 5 })).status).toBe('completed');
  const listed = await ws.listCheckpoints(runId, { limit: 10_000 });
  expect(listed.map((c) => stateText(c.state))).toEqual(saved.map((s) => s.text));
  ws.close();
  return { runId, saved };
}

describe('chunked keyframes (migration 8)', () => {
  it('reads back every saved state byte for byte, with an old message edited in place and the front cut', async () => {
    const path = temp.newPath();
    const { runId, saved } = await recorded(path, true);

    const ws = temp.open(path, { readonly: true });
    const listed = await ws.listCheckpoints(runId, { limit: 10_000 });
    expect(listed.map((c) => stateText(c.state))).toEqual(saved.map((s) => s.text));
    // Random order on a fresh connection: each from its keyframe or a state rebuilt before.
    let seed = 7;
    for (let k = 0; k < 150; k++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const c = listed[seed % listed.length] as { seq: number; n: number };
      const at = await ws.stateAt(runId, c.seq);
      const expected = listed.filter((x) => x.seq <= c.seq).at(-1);
      expect(at && stateText(at)).toBe(expected && stateText(expected.state));
    }
    expect((await ws.verifyRun(runId)).ok).toBe(true);
    ws.close();

    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare('SELECT state, spills FROM checkpoints ORDER BY seq, n').all() as { state: string; spills: string | null }[];
    const keyframes = rows.filter((r) => !isStateDeltaText(r.state));
    expect(keyframes.length).toBeGreaterThan(STEPS / 64); // frequent, not every 1,000 saves or each doubling
    expect(keyframes.filter((r) => r.spills?.includes('[')).length).toBeGreaterThan(3); // chunked
    const chunkBytes = raw.prepare('SELECT total(length(text)) FROM state_chunks').pluck().get() as number;
    const transcript = stateText({ ...(listed.at(-1)?.state as RunState) }).length;
    // Each message is in few chunks: the edits re-cut the rest once, but not at each keyframe.
    expect(chunkBytes).toBeLessThan(3 * transcript);
    raw.close();
  });

  it('hands out states the caller may edit without changing what the next read gives', async () => {
    const path = temp.newPath();
    const { runId, saved } = await recorded(path, false);
    const ws = temp.open(path);
    const a = await ws.stateAt(runId, 500);
    expect(a).not.toBeNull();
    const messages = (a as RunState).vars['messages'] as JsonObject[];
    messages[0]!['content'] = 'changed by the caller';
    messages.push({ role: 'user', content: 'more' });
    const again = await ws.stateAt(runId, 500);
    const expected = (await ws.listCheckpoints(runId, { limit: 10_000 })).filter((c) => c.seq <= 500).at(-1);
    expect(again && stateText(again)).toBe(expected && stateText(expected.state));
    const latest = await ws.latestCheckpoint(runId);
    expect(latest && stateText(latest.state)).toBe(saved.at(-1)?.text);
    (latest?.state.vars['messages'] as JsonValue[]).length = 0; // the latest keyframe's lists are the caller's too
    const latestAgain = await ws.latestCheckpoint(runId);
    expect(latestAgain && stateText(latestAgain.state)).toBe(saved.at(-1)?.text);
  });

  it('stays small when an old message is edited at every step (each keyframe cuts the whole list again)', async () => {
    const path = temp.newPath();
    const { saved } = await recorded(path, 'every step');
    const raw = new Database(path, { readonly: true });
    const chunkBytes = raw.prepare('SELECT total(length(text)) FROM state_chunks').pluck().get() as number;
    const rowBytes = raw.prepare('SELECT total(length(state)) + total(length(spills)) FROM checkpoints').pluck().get() as number;
    raw.close();
    const final = (saved.at(-1) as { text: string }).text.length;
    // Keyframes that store the list again come only once the deltas outweigh them: about doubling.
    expect(chunkBytes).toBeLessThan(3 * final);
    expect(chunkBytes + rowBytes).toBeLessThan(5 * final);
  });

  it('reports a missing chunk as a damaged file (CORRUPT_FILE), not a wrong state', async () => {
    const path = temp.newPath();
    const { runId } = await recorded(path, false);
    const raw = new Database(path);
    raw.prepare('DELETE FROM state_chunks WHERE sha256 = (SELECT min(sha256) FROM state_chunks)').run();
    raw.close();
    const ws = temp.open(path, { readonly: true });
    let failed = 0;
    for (let seq = 0; seq < 800; seq += 37) {
      try {
        await ws.stateAt(runId, seq);
      } catch (err) {
        expect(err).toMatchObject({ code: 'CORRUPT_FILE' });
        failed++;
      }
    }
    expect(failed).toBeGreaterThan(0);
  });

  it('keeps state_chunks append-only', async () => {
    const path = temp.newPath();
    await recorded(path, false);
    const raw = new Database(path);
    expect(raw.prepare('SELECT count(*) FROM state_chunks').pluck().get()).toBeGreaterThan(5);
    expect(() => raw.prepare("UPDATE state_chunks SET text = '[]'").run()).toThrow(/append-only/);
    raw.close();
  });
});
