/**
 * Durable-loop throughput on a SQLite workspace (issue 4: flat at 1k, 10k and 100k steps; target
 * 20,000 steps/s with synchronous=NORMAL). Every step is its own transaction: two hash-chained
 * records and the new state. The file is on the normal disk (the OS temp folder), a fresh one per
 * measurement; each figure is the median of several runs, with the load average beside it.
 *
 * Each measurement opens its workspace and lets it settle for 250 ms first, as a Studio workspace is
 * open long before its runs start: the open starts the WAL checkpoint worker (wal-checkpointer.ts),
 * a V8 isolate that takes ~20-30 ms of the other core, which would otherwise land inside a
 * 1,000-step run (~50 ms). The warm-up (10,000 steps) lets V8 optimise the whole step path first.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteWorkspace } from '../src/runtime/storage/sqlite/index';
import { emit, load1, measureLoop, median, withTempDir } from './durable-loop';

async function once(steps: number, synchronous: 'NORMAL' | 'FULL'): Promise<number> {
  return withTempDir(async (dir) => {
    const ws = SqliteWorkspace.open(join(dir, 'loop.sqlite'), { synchronous });
    try {
      await sleep(250);
      return (await measureLoop(ws.runs, ws.ledger, steps)).stepsPerSecond;
    } finally {
      ws.close();
    }
  });
}

async function figure(steps: number, synchronous: 'NORMAL' | 'FULL', reps: number): Promise<void> {
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) runs.push(Math.round(await once(steps, synchronous)));
  emit({ bench: 'durable_loop_sqlite', synchronous, steps, steps_per_s: Math.round(median(runs)), runs, load1: load1() });
}

export async function run(): Promise<void> {
  await once(10_000, 'NORMAL'); // warm-up
  // A 1,000-step run lasts ~50 ms, so one GC pause or a busy neighbour moves it by 10%: more runs.
  await figure(1_000, 'NORMAL', 15);
  await figure(10_000, 'NORMAL', 7);
  await figure(100_000, 'NORMAL', 2);
  await figure(10_000, 'FULL', 3);
}
