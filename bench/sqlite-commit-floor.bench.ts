/**
 * What one small transaction costs in SQLite on this machine (WAL, synchronous=NORMAL, the
 * workspace's page size, a file on the normal disk), with nothing of ours in it, and what the
 * runtime costs per step with no storage at all (in-memory stores). `floor_steps_per_s` is
 * `1e6 / (runtime_us + commit_us)`: what a design committing each step that way could reach.
 *
 *   empty:            BEGIN IMMEDIATE + COMMIT (the locking every transaction does)
 *   one_row:          + one 1.7 KB row appended (a step's two records and its state, in one row),
 *                     SQLite checkpointing inside the commits and the WAL growing from empty
 *   one_row_plus_key: + one entry in an index of random 32-hex keys (an idempotency index)
 *   one_row_wal_reused: one_row with no checkpoint in the commits and a WAL file that already
 *                     has its size: what the workspace arranges (wal-checkpointer.ts copies the
 *                     WAL back on a worker thread and presizes the WAL file)
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { HashChainedLedgerStore, InMemoryLedgerStore, InMemoryRunStore } from '../src/runtime/index';
import { cpuMicros, emit, load1, measureLoop, median, withTempDir } from './durable-loop';

const COMMITS = 5_000;
const ROW = 'x'.repeat(1_730);

type Variant = 'empty' | 'one_row' | 'one_row_plus_key' | 'one_row_wal_reused';

function commitMicros(dir: string, variant: Variant, rep: number): number {
  return commitCost(dir, variant, rep).wallUs;
}

/** Wall and CPU µs per commit. */
function commitCost(dir: string, variant: Variant, rep: number): { wallUs: number; cpuUs: number } {
  const db = new Database(join(dir, `floor-${variant}-${rep}.sqlite`));
  try {
    db.pragma('page_size = 8192');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL, k TEXT); CREATE INDEX t_k ON t (k) WHERE k IS NOT NULL');
    const reused = variant === 'one_row_wal_reused';
    if (reused) db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare('INSERT INTO t (body, k) VALUES (?, ?)');
    const begin = db.prepare('BEGIN IMMEDIATE');
    const commit = db.prepare('COMMIT');
    const step = (i: number): void => {
      begin.run();
      if (variant !== 'empty') insert.run(ROW, variant === 'one_row_plus_key' ? `${(i * 2654435761) % 4294967296}`.padStart(32, '7') : null);
      commit.run();
    };
    // With `reused`, fill the WAL as far as the measurement will, then let it restart: the measured
    // commits then overwrite frames of a file that already has its size.
    for (let i = 0; i < (reused ? 500 + COMMITS : 500); i++) step(i);
    if (reused) db.pragma('wal_checkpoint(RESTART)');
    const c0 = cpuMicros();
    const t0 = performance.now();
    for (let i = 500; i < 500 + COMMITS; i++) step(i);
    return { wallUs: ((performance.now() - t0) * 1000) / COMMITS, cpuUs: (cpuMicros() - c0) / COMMITS };
  } finally {
    db.close();
  }
}

/** The floor for the workspace's arrangement (`one_row_wal_reused`), for another benchmark to compare with in its own run. */
export interface CommitFloor {
  runtimeUs: number;
  commitUs: number;
  stepsPerSecond: number;
  /** The same in CPU time (µs of the process's threads): runtime per step, commit, and the floor as µs per step. */
  cpu: { runtimeUs: number; commitUs: number; usPerStep: number };
}

export async function commitFloor(): Promise<CommitFloor> {
  await measureLoop(new InMemoryRunStore(), new HashChainedLedgerStore(new InMemoryLedgerStore()), 2000);
  const loops = [];
  for (let i = 0; i < 5; i++) loops.push(await measureLoop(new InMemoryRunStore(), new HashChainedLedgerStore(new InMemoryLedgerStore()), 10_000));
  const runtime = median(loops.map((r) => 1e6 / r.stepsPerSecond));
  const runtimeCpu = median(loops.map((r) => r.cpuUsPerStep));
  const commits = await withTempDir(async (dir) => [0, 1, 2, 3, 4].map((rep) => commitCost(dir, 'one_row_wal_reused', rep)));
  const commit = median(commits.map((c) => c.wallUs));
  const commitCpu = median(commits.map((c) => c.cpuUs));
  return {
    runtimeUs: +runtime.toFixed(1),
    commitUs: +commit.toFixed(1),
    stepsPerSecond: Math.round(1e6 / (runtime + commit)),
    cpu: { runtimeUs: +runtimeCpu.toFixed(1), commitUs: +commitCpu.toFixed(1), usPerStep: +(runtimeCpu + commitCpu).toFixed(1) },
  };
}

export async function run(): Promise<void> {
  const runtimeUs: number[] = [];
  await measureLoop(new InMemoryRunStore(), new HashChainedLedgerStore(new InMemoryLedgerStore()), 2000);
  for (let i = 0; i < 5; i++) {
    const r = await measureLoop(new InMemoryRunStore(), new HashChainedLedgerStore(new InMemoryLedgerStore()), 10_000);
    runtimeUs.push(1e6 / r.stepsPerSecond);
  }
  const runtime = median(runtimeUs);
  emit({ bench: 'durable_loop_runtime_cost', stores: 'memory', us_per_step: +runtime.toFixed(1), load1: load1() });
  await withTempDir(async (dir) => {
    const micros: Record<Variant, number[]> = { empty: [], one_row: [], one_row_plus_key: [], one_row_wal_reused: [] };
    for (let rep = 0; rep < 5; rep++) for (const v of Object.keys(micros) as Variant[]) micros[v].push(commitMicros(dir, v, rep));
    for (const v of Object.keys(micros) as Variant[]) {
      const us = median(micros[v]);
      emit({ bench: 'sqlite_commit_floor', variant: v, us_per_commit: +us.toFixed(1), floor_steps_per_s: Math.round(1e6 / (runtime + us)), load1: load1() });
    }
  });
}
