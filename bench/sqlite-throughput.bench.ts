/**
 * Durable-loop throughput on a SQLite workspace (issue 4: flat at 1k, 10k and 100k steps; target
 * 20,000 steps/s with synchronous=NORMAL). Every step is its own transaction: two hash-chained
 * records and the new state. Each figure is the median of several runs, with the load average
 * beside it.
 *
 * How: one workspace per figure, on the normal disk (the OS temp folder), opened once and used the
 * way the Studio uses one, by run after run: each measurement is a new run of N steps. So every
 * cost of a long-lived workspace is in the figures (the WAL checkpoints, its restarts every ~2,300
 * steps, a ledger that grows across runs), and none of opening, closing or deleting files is:
 * those are not part of a durable loop, and on this disk (ext4 mounted with `discard`) deleting a
 * workspace's files keeps the device busy for seconds after, which showed up as 1,000-step runs
 * (~50 ms each) at 14k instead of 21k steps/s for the next several seconds.
 *
 * After opening, the workspace settles for 250 ms, as a Studio workspace is open long before its
 * runs start: the open starts the WAL checkpoint worker (wal-checkpointer.ts), a V8 isolate that
 * takes ~20-30 ms of the other core and presizes the WAL. A warm-up run lets V8 optimise the whole
 * step path first.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteWorkspace } from '../src/runtime/storage/sqlite/index';
import { emit, load1, measureLoop, median, withTempDir } from './durable-loop';
import { commitFloor } from './sqlite-commit-floor.bench';

type Synchronous = 'NORMAL' | 'FULL';

async function figure(steps: number, synchronous: Synchronous, reps: number): Promise<{ stepsPerSecond: number; cpuUs: number }> {
  const runs = await withTempDir(async (dir) => {
    const ws = SqliteWorkspace.open(join(dir, 'loop.sqlite'), { synchronous });
    try {
      await sleep(250);
      await measureLoop(ws.runs, ws.ledger, 10_000); // warm-up
      const before = ws.walWriterCopies();
      const out: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < reps; i++) {
        const r = await measureLoop(ws.runs, ws.ledger, steps);
        out.push(Math.round(r.stepsPerSecond));
        cpu.push(r.cpuUsPerStep);
      }
      const after = ws.walWriterCopies();
      // Item 3 of issue 15: how often the committing thread copied the WAL tail itself (measured runs only).
      const wal = before && after ? { commits: after.commits - before.commits, tail_copies: after.tailCopies - before.tailCopies, tail_copy_ms: +(after.tailCopyMs - before.tailCopyMs).toFixed(3) } : null;
      return { out, wal, cpuUs: +median(cpu).toFixed(1) };
    } finally {
      ws.close();
    }
  });
  const steps_per_s = Math.round(median(runs.out));
  emit({ bench: 'durable_loop_sqlite', synchronous, steps, steps_per_s, runs: runs.out, cpu_us_per_step: runs.cpuUs, wal_writer_copies: runs.wal, load1: load1() });
  return { stepsPerSecond: steps_per_s, cpuUs: runs.cpuUs };
}

/** The loop of durable-loop.ts with each step's payload deep-frozen: one payload serialisation per step against two. */
const frozenPayloadLoop = (ws: SqliteWorkspace, steps: number) => measureLoop(ws.runs, ws.ledger, steps, { frozenPayload: true });

async function frozenFigure(steps: number, reps: number): Promise<void> {
  const runs = await withTempDir(async (dir) => {
    const ws = SqliteWorkspace.open(join(dir, 'loop.sqlite'), { synchronous: 'NORMAL' });
    try {
      await sleep(250);
      await frozenPayloadLoop(ws, 10_000); // warm-up
      const out: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < reps; i++) {
        const r = await frozenPayloadLoop(ws, steps);
        out.push(Math.round(r.stepsPerSecond));
        cpu.push(r.cpuUsPerStep);
      }
      return { out, cpuUs: +median(cpu).toFixed(1) };
    } finally {
      ws.close();
    }
  });
  emit({ bench: 'durable_loop_sqlite_frozen_payload', synchronous: 'NORMAL', steps, steps_per_s: Math.round(median(runs.out)), runs: runs.out, cpu_us_per_step: runs.cpuUs, load1: load1() });
}

export async function run(): Promise<void> {
  // A 1,000-step run lasts ~50 ms, so a GC pause, a WAL restart (~5 ms) or a busy neighbour (this
  // VM shares its host) moves it by 10% or more: many runs, and their median.
  await figure(1_000, 'NORMAL', 31);
  const tenK = await figure(10_000, 'NORMAL', 7);
  // The small-state target of issue 15: the loop against the commit floor measured now, in this
  // process (sqlite-commit-floor.bench.ts: the runtime's own cost plus one reused-WAL commit).
  const floor = await commitFloor();
  emit({
    bench: 'durable_loop_sqlite_vs_floor',
    steps: 10_000,
    steps_per_s: tenK.stepsPerSecond,
    floor_steps_per_s: floor.stepsPerSecond,
    floor_runtime_us: floor.runtimeUs,
    floor_commit_us: floor.commitUs,
    ratio: +(tenK.stepsPerSecond / floor.stepsPerSecond).toFixed(2),
    // CPU time per step is what a loaded shared machine distorts least: the floor's over the loop's.
    cpu_us_per_step: tenK.cpuUs,
    floor_cpu_us_per_step: floor.cpu.usPerStep,
    cpu_ratio: +(floor.cpu.usPerStep / tenK.cpuUs).toFixed(2),
    target: '>= 0.9',
    load1: load1(),
  });
  await frozenFigure(10_000, 7);
  await figure(100_000, 'NORMAL', 2);
  await figure(10_000, 'FULL', 3);
}
