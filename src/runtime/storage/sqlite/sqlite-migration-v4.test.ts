/**
 * Migration 4 on a workspace written by schema 3 (test/fixtures/sqlite-schema-3: a real file from
 * the code before state deltas, see its README): every saved state reads back byte for byte, most
 * rows became deltas, the chain and the integrity check still hold, and the run goes on.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isStateDeltaText } from '../state-delta/state-delta';
import { stateText } from './checkpoint-state';
import { rawSavedStates } from './test-support/raw-saved-states';
import { TempWorkspaces } from './test-support/temp-workspace';

const FIXTURE = join(__dirname, '../../../../test/fixtures/sqlite-schema-3/growing-state.sqlite');
const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

/** Every saved state of the file as schema 3 stored it (whole), as text, in save order per run. */
function statesBefore(path: string): Map<string, { seq: number; n: number; text: string }[]> {
  const out = new Map<string, { seq: number; n: number; text: string }[]>();
  for (const [runId, states] of rawSavedStates(path)) {
    for (const st of states) expect(st.delta).toBe(false); // schema 3 kept no deltas
    out.set(runId, states.map(({ seq, n, text }) => ({ seq, n, text })));
  }
  return out;
}

function storedBytes(path: string): number {
  const raw = new Database(path, { readonly: true });
  const n = raw.prepare('SELECT (SELECT total(length(state)) FROM checkpoints) + (SELECT total(length(text)) FROM state_values)').pluck().get() as number;
  raw.close();
  return n;
}

describe('migration 4: run states as deltas', () => {
  it('converts a schema-3 workspace: every saved state reads back byte for byte, in far fewer bytes', async () => {
    const path = temp.newPath();
    copyFileSync(FIXTURE, path);
    const before = statesBefore(path);
    const bytesBefore = storedBytes(path);
    expect([...before.keys()].sort()).toEqual(['grow-fork', 'id-1']);
    expect(before.get('id-1')?.length).toBeGreaterThan(40);

    const ws = temp.open(path);
    expect(ws.migrations().map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const [runId, states] of before) {
      const listed = await ws.listCheckpoints(runId, { limit: 10_000 });
      expect(listed.map((c) => [c.seq, c.n, stateText(c.state)])).toEqual(states.map((s) => [s.seq, s.n, s.text]));
      // Time travel: the state as of each seq is the last one saved at or before it.
      for (const s of states) {
        const last = states.filter((x) => x.seq <= s.seq).at(-1);
        const at = await ws.stateAt(runId, s.seq);
        expect(at && stateText(at)).toBe(last?.text);
      }
      expect(await ws.verifyRun(runId)).toMatchObject({ ok: true });
    }
    expect(await ws.checkIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
    ws.close();

    const raw = new Database(path, { readonly: true });
    const texts = raw.prepare("SELECT state FROM checkpoints WHERE run_id = 'id-1'").pluck().all() as string[];
    expect(texts.filter(isStateDeltaText).length).toBeGreaterThan(texts.length / 2);
    raw.close();
    expect(storedBytes(path)).toBeLessThan(bytesBefore / 3);
  });

  it('leaves saved states append-only afterwards, and the run goes on from its migrated state', async () => {
    const path = temp.newPath();
    copyFileSync(FIXTURE, path);
    const ws = temp.open(path);
    const current = await ws.runs.load('id-1');
    expect(current).not.toBeNull();
    const next = { ...current!, vars: { ...current!.vars, after_migration: true } };
    await ws.runs.commitStep(next, []);
    const latest = await ws.latestCheckpoint('id-1');
    expect(latest && stateText(latest.state)).toBe(stateText(next));
    ws.close();

    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE ledger SET state = 'x' WHERE state IS NOT NULL").run()).toThrow(/append-only/);
    expect(() => raw.prepare("UPDATE run_states SET state = 'x'").run()).toThrow(/append-only/);
    raw.close();
  });
});
