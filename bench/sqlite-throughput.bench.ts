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

type Synchronous = 'NORMAL' | 'FULL';

async function figure(steps: number, synchronous: Synchronous, reps: number): Promise<void> {
  const runs = await withTempDir(async (dir) => {
    const ws = SqliteWorkspace.open(join(dir, 'loop.sqlite'), { synchronous });
    try {
      await sleep(250);
      await measureLoop(ws.runs, ws.ledger, 10_000); // warm-up
      const out: number[] = [];
      for (let i = 0; i < reps; i++) out.push(Math.round((await measureLoop(ws.runs, ws.ledger, steps)).stepsPerSecond));
      return out;
    } finally {
      ws.close();
    }
  });
  emit({ bench: 'durable_loop_sqlite', synchronous, steps, steps_per_s: Math.round(median(runs)), runs, load1: load1() });
}

export async function run(): Promise<void> {
  // A 1,000-step run lasts ~50 ms, so a GC pause, a WAL restart (~5 ms) or a busy neighbour (this
  // VM shares its host) moves it by 10% or more: many runs, and their median.
  await figure(1_000, 'NORMAL', 31);
  await figure(10_000, 'NORMAL', 7);
  await figure(100_000, 'NORMAL', 2);
  await figure(10_000, 'FULL', 3);
}
