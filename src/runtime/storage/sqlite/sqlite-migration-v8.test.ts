/**
 * Migration 8 (`state_chunks`) on a workspace written by schema 7 (test/fixtures/sqlite-schema-7:
 * a real file from the code before chunked keyframes, see its README): its saved states (whole
 * spilled transcripts in keyframes, deltas between) read back byte for byte as the old rows are,
 * and the run goes on with chunked keyframes, old and new states both exact after a reopen.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type JsonObject, type JsonValue } from '../../json/json-value';
import { stateText } from './checkpoint-state';
import { rawSavedStates } from './test-support/raw-saved-states';
import { TempWorkspaces } from './test-support/temp-workspace';

const FIXTURE = join(__dirname, '../../../../test/fixtures/sqlite-schema-7/growing-state.sqlite');
const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

/** Every saved state of the file as its rows say; schema 7 spilled whole values only (no chunk lists). */
function statesIn(path: string): Map<string, { seq: number; n: number; text: string }[]> {
  const out = new Map<string, { seq: number; n: number; text: string }[]>();
  for (const [runId, states] of rawSavedStates(path)) {
    for (const st of states) expect(st.spills ?? '').not.toContain('[');
    out.set(runId, states.map(({ seq, n, text }) => ({ seq, n, text })));
  }
  return out;
}

describe('migration 8: chunked keyframes', () => {
  it('reads a schema-7 workspace as before, and the run goes on with chunked keyframes', async () => {
    const path = temp.newPath();
    copyFileSync(FIXTURE, path);
    const raw7 = new Database(path, { readonly: true });
    expect(raw7.pragma('user_version', { simple: true })).toBe(7);
    raw7.close();
    const before = statesIn(path);
    expect([...before.keys()].sort()).toEqual(['grow-fork', 'id-1']);
    expect(before.get('id-1')?.length).toBeGreaterThan(120);

    const ws = temp.open(path);
    expect(ws.migrations().map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const [runId, states] of before) {
      const listed = await ws.listCheckpoints(runId, { limit: 10_000 });
      expect(listed.map((c) => [c.seq, c.n, stateText(c.state)])).toEqual(states.map((s) => [s.seq, s.n, s.text]));
      for (const s of states) {
        const last = states.filter((x) => x.seq <= s.seq).at(-1);
        const at = await ws.stateAt(runId, s.seq);
        expect(at && stateText(at)).toBe(last?.text);
      }
      expect(await ws.verifyRun(runId)).toMatchObject({ ok: true });
    }

    // The run goes on: 120 more saves of a growing transcript, written as chunked keyframes and deltas.
    const committed: string[] = [];
    for (let i = 0; i < 120; i++) {
      const s = await ws.runs.load('id-1');
      expect(s).not.toBeNull();
      const messages = s!.vars['messages'] as JsonValue[];
      for (let j = 0; j < 3; j++) messages.push({ role: 'user', content: `after migration ${i}.${j} ${'z'.repeat(400)}` });
      if (i === 60) (messages[5] as JsonObject)['content'] = 'an old message edited after the migration';
      await ws.runs.commitStep(s, []);
      committed.push(stateText(s!));
    }
    expect(await ws.checkIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
    ws.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM state_chunks').pluck().get()).toBeGreaterThan(3);
    expect(raw.prepare("SELECT count(*) FROM run_states WHERE spills LIKE '%[%'").pluck().get()).toBeGreaterThan(2);
    raw.close();

    const again = temp.open(path, { readonly: true });
    const listed = await again.listCheckpoints('id-1', { limit: 10_000 });
    const old = before.get('id-1') ?? [];
    expect(listed.slice(0, old.length).map((c) => stateText(c.state))).toEqual(old.map((s) => s.text));
    expect(listed.slice(old.length).map((c) => stateText(c.state))).toEqual(committed);
    const latest = await again.latestCheckpoint('id-1');
    expect(latest && stateText(latest.state)).toBe(committed.at(-1));
    expect((await again.verifyRun('id-1')).ok).toBe(true);
  });
});
