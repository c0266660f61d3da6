import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, renameSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRun } from '../testing/store-contract';
import { sampleRecord } from './test-support/records';
import { TempWorkspaces } from './test-support/temp-workspace';
import { PAGE_SIZE } from './open-workspace-db';
import { MAX_WORKERS } from './wal-checkpointer';
import { type SqliteWorkspace } from './sqlite-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

/** Small thresholds, so a test sees the worker start, copy and let the WAL restart within a few hundred commits. */
const eager = { startAfterCommits: 10, signalEveryCommits: 20, restartFrames: 60 };

const walFrames = (path: string): number => (existsSync(`${path}-wal`) ? Math.max(0, (statSync(`${path}-wal`).size - 32) / (PAGE_SIZE + 24)) : 0);

/** `n` one-record steps of run `runId` (each its own transaction, as the runtime commits them). */
async function steps(ws: SqliteWorkspace, runId: string, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await ws.runs.commitStep(makeRun({ runId, status: 'running', vars: { i } }), [sampleRecord(runId, i)]);
  }
}

async function until(what: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

describe('WAL checkpoints on a worker thread', () => {
  it('takes over from the writer once it is busy, and copies the WAL back off its thread', async () => {
    const ws = temp.create({ backgroundCheckpoints: eager, walAutocheckpointPages: 1_000_000 });
    expect(ws.storageSettings().walCheckpoints).toBe('writer');
    await steps(ws, 'r', 0, 10);
    await until(async () => {
      await ws.runs.commitStep(makeRun({ runId: 'w', status: 'running' }), []);
      return ws.storageSettings().walCheckpoints === 'worker';
    });
    // The writer's own autocheckpoint could never run here (a million pages), yet the WAL is copied
    // back (by the worker, and by the writer's copy of a short tail before each WAL restart): the
    // file itself grows to hold every page the database has.
    await steps(ws, 'r', 10, 200);
    const pages = (): number => {
      const raw = new Database(ws.path, { readonly: true });
      try {
        return raw.pragma('page_count', { simple: true }) as number;
      } finally {
        raw.close();
      }
    };
    await until(() => statSync(ws.path).size >= pages() * PAGE_SIZE);
    expect(await ws.verifyRun('r')).toMatchObject({ ok: true, count: 210 });
  });

  it('keeps the WAL from growing without bound under a steady stream of commits', async () => {
    const ws = temp.create({ backgroundCheckpoints: eager, walAutocheckpointPages: 1_000_000 });
    await steps(ws, 'r', 0, 20);
    await until(async () => {
      await ws.runs.commitStep(makeRun({ runId: 'w', status: 'running' }), []);
      return ws.storageSettings().walCheckpoints === 'worker';
    });
    let maxFrames = 0;
    // One unbroken stream: the worker never catches up on its own, so only the writer's copy of the tail lets the WAL restart.
    for (let batch = 0; batch < 40; batch++) {
      await steps(ws, 'r', 20 + batch * 50, 50);
      maxFrames = Math.max(maxFrames, walFrames(ws.path));
    }
    // These 2,000 steps write ~10,000 frames; the WAL restarts, so its file holds what accumulates
    // between two restarts (the 4,000-frame threshold, what is appended while the worker catches up,
    // and the worker's presized zeros: 5,118 frames seen on a machine at load 19), never the stream.
    expect(maxFrames).toBeLessThan(7000);
    expect(await ws.verifyRun('r')).toMatchObject({ ok: true, count: 2020 });
  });

  it('closes its connection before the writer closes, so the writer removes the WAL and the file reopens clean', async () => {
    const ws = temp.create({ backgroundCheckpoints: eager });
    await steps(ws, 'r', 0, 10);
    await until(async () => {
      await ws.runs.commitStep(makeRun({ runId: 'w', status: 'running' }), []);
      return ws.storageSettings().walCheckpoints === 'worker';
    });
    await steps(ws, 'r', 10, 100);
    const path = ws.path;
    ws.close();
    expect(existsSync(`${path}-wal`)).toBe(false); // the writer's connection was the last one
    const again = temp.open(path);
    expect(await again.verifyRun('r')).toMatchObject({ ok: true, count: 110 });
  });

  it('hands the work back to the writer when the worker cannot run (here: the file moved before it opened it)', async () => {
    const ws = temp.create({ backgroundCheckpoints: eager, walAutocheckpointPages: 50 });
    await steps(ws, 'r', 0, 5);
    renameSync(ws.path, `${ws.path}.moved`); // our connection keeps its open file; the worker's open fails
    await until(async () => {
      await ws.runs.commitStep(makeRun({ runId: 'w', status: 'running' }), []);
      return ws.storageSettings().walCheckpoints === 'failed';
    });
    await steps(ws, 'r', 5, 100);
    expect(await ws.verifyRun('r')).toMatchObject({ ok: true, count: 105 });
  });

  it('starts with the connection by default; an open closed at once stops it unopened; read-only opens have none', async () => {
    const ws = temp.create();
    await until(async () => {
      await ws.runs.commitStep(makeRun({ runId: 'w', status: 'running' }), []);
      return ws.storageSettings().walCheckpoints === 'worker';
    });
    await steps(ws, 'r', 0, 50);
    ws.close();
    expect(existsSync(`${ws.path}-wal`)).toBe(false);
    // Closed at every point of the worker's start (not started, opening and presizing, copying): the
    // close waits for the worker's connection, so the writer's is the last and removes the WAL.
    for (const ms of [0, 0, 5, 10, 20, 40, 80]) {
      const again = temp.open(ws.path);
      await sleep(ms);
      again.close();
      expect(existsSync(`${ws.path}-wal`)).toBe(false);
    }
    const ro = temp.open(ws.path, { readonly: true });
    expect(ro.storageSettings().walCheckpoints).toBe('writer');
    expect(await ro.verifyRun('r')).toMatchObject({ ok: true, count: 50 });
  });

  it('presizes the WAL with zeros, and a copy of the files taken mid-run (as a crash leaves them) recovers every commit', async () => {
    const ws = temp.create({ backgroundCheckpoints: { restartFrames: 200 } });
    await until(async () => {
      await ws.runs.commitStep(makeRun({ runId: 'w', status: 'running' }), []);
      return ws.storageSettings().walCheckpoints === 'worker';
    }, 20_000);
    // The worker presizes on its own thread after taking over: on a loaded machine that can come later.
    await until(() => walFrames(ws.path) >= 200, 20_000);
    const presized = walFrames(ws.path);
    await steps(ws, 'r', 0, 30);
    expect(walFrames(ws.path)).toBe(presized); // the frames went into the presized file, which did not grow
    // The files as they are now, with the connection still open: what a crash would leave.
    const copy = temp.newPath();
    copyFileSync(ws.path, copy);
    copyFileSync(`${ws.path}-wal`, `${copy}-wal`);
    const recovered = temp.open(copy, { backgroundCheckpoints: false });
    expect(await recovered.verifyRun('r')).toMatchObject({ ok: true, count: 30 });
    expect((await recovered.runs.load('r'))?.vars).toEqual({ i: 29 });
    expect(await recovered.checkIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
  });

  it(`runs at most ${MAX_WORKERS} workers per process; another workspace gets one when a worker's workspace closes`, async () => {
    const opened = Array.from({ length: MAX_WORKERS + 1 }, () => temp.create());
    const mode = (ws: SqliteWorkspace): string => ws.storageSettings().walCheckpoints;
    const nudge = async (ws: SqliteWorkspace): Promise<void> => {
      for (let i = 0; i < 64; i++) await ws.runs.commitStep(makeRun({ runId: 'w', status: 'running' }), []);
    };
    await until(async () => {
      for (const ws of opened.slice(0, MAX_WORKERS)) await nudge(ws);
      return opened.slice(0, MAX_WORKERS).every((ws) => mode(ws) === 'worker');
    });
    const last = opened[MAX_WORKERS] as SqliteWorkspace;
    await steps(last, 'r', 0, 300);
    expect(mode(last)).toBe('writer'); // no slot: SQLite checkpoints in its commits, as without a worker
    opened[0]!.close();
    await until(async () => {
      await nudge(last);
      return mode(last) === 'worker';
    });
    expect(await last.verifyRun('r')).toMatchObject({ ok: true, count: 300 });
  });

  it('keeps every chain whole when three processes write one workspace at once, each with its own checkpoint worker', async () => {
    const path = temp.newPath();
    temp.open(path).close(); // create and migrate once, so the writers race only on steps
    const child = fileURLToPath(new URL('./test-support/loop-writer-child.ts', import.meta.url));
    const writer = (steps: number): Promise<{ runId: string; status: string; walCheckpoints: string }> =>
      new Promise((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', child, path, String(steps)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { runId: string; status: string; walCheckpoints: string }) : reject(new Error(`writer exited ${code}`))));
      });
    const results = await Promise.all([writer(1500), writer(1500), writer(1500)]);
    expect(results.map((r) => [r.status, r.walCheckpoints])).toEqual(Array(3).fill(['completed', 'worker']));
    const ws = temp.open(path);
    for (const r of results) expect(await ws.verifyRun(r.runId)).toMatchObject({ ok: true, count: 3001 }); // 2 records a step + completion
    expect(await ws.checkIntegrity({ full: true })).toEqual({ ok: true, problems: [] });
  }, 60_000);
});
