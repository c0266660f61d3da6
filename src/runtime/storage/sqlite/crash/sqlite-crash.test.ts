import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteWorkspace } from '../sqlite-workspace';
import { checkWorkspace, type CrashCheckReport } from './crash-checks';
import { seededRandom } from './crash-workflows';

/**
 * Kills a process that drives durable runs (effects, retries, event and time waits, synchronous
 * subworkflows) on one workspace file with SIGKILL at random moments, and after every kill checks
 * the file as the next process finds it (see crash-checks.ts). Then one last process drives every
 * run to completion. `CRASH_KILLS` sets the number of kills (`npm run test:crash:long`: 300);
 * `CRASH_SEED` replays a run: the seed is printed first.
 */
const KILLS = Number(process.env['CRASH_KILLS'] ?? 30);
const SEED = Number(process.env['CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'ar-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Child {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startChild(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<void>((resolve, reject) => {
    lines.once('line', () => resolve());
    void exited.then((e) => reject(new Error(`crash child exited before it was ready (${e.code ?? e.signal}): ${e.stderr}`)));
  });
  return { child, ready, exited };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function inspect(path: string, log: string, options: Parameters<typeof checkWorkspace>[2]): Promise<CrashCheckReport> {
  const ws = SqliteWorkspace.open(path);
  try {
    return await checkWorkspace(ws, log, options);
  } finally {
    ws.close();
  }
}

describe('crash safety of the SQLite workspace', () => {
  it(`keeps every run explained and every effect done once across ${KILLS} SIGKILLs`, { timeout: KILLS * 4000 + 120_000 }, async () => {
    console.log(`crash test: ${KILLS} kills, seed ${SEED} (replay with CRASH_SEED=${SEED})`);
    const random = seededRandom(SEED);
    const path = join(dir, 'workspace.sqlite');
    const log = join(dir, 'executions.jsonl');
    const totals = { openRuns: 0, danglingAttempts: 0, deadLeases: 0, leasesTakenOver: 0 };
    let report: CrashCheckReport | null = null;
    for (let k = 0; k < KILLS; k++) {
      // Each child may start a few runs of its own, so every kill finds work in flight.
      const c = startChild([path, log, String(SEED + k), 'crash', String(4 + 2 * (k + 1))]);
      await c.ready;
      await sleep(10 + random() * 300);
      c.child.kill('SIGKILL');
      const end = await c.exited;
      expect(end, `child ${k} ended on its own: ${end.stderr}`).toMatchObject({ signal: 'SIGKILL' });
      report = await inspect(path, log, { takeOver: () => random() < 0.5 });
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += report[key];
      if ((k + 1) % 50 === 0 && k + 1 < KILLS) console.log(`${k + 1} kills: ${JSON.stringify(report)}`);
    }
    // Summed over the kills: how much was in flight when they landed (the test is only worth its
    // kills if they hit work: runs mid-way, attempts cut short, leases left behind).
    console.log(`after ${KILLS} kills: ${JSON.stringify(report)}; summed over kills: ${JSON.stringify(totals)}`);
    expect(totals.openRuns).toBeGreaterThan(0);
    expect(totals.deadLeases).toBeGreaterThan(0);

    const drain = startChild([path, log, String(SEED + KILLS), 'drain', '0']);
    const end = await drain.exited;
    expect(end, end.stderr).toMatchObject({ code: 0 });
    const final = await inspect(path, log, { final: true });
    console.log(`drained: ${JSON.stringify(final)}`);
    expect(final.completedRuns).toBe(final.runs);
    expect(final.runs).toBeGreaterThan(KILLS / 2);
  });
});
