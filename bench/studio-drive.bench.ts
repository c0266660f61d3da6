/**
 * The Studio-driven loop against the runtime's own loop, side by side on one SQLite workspace
 * (issue 12, "fast where users watch": target >= 90% of the runtime loop's steps/s).
 *
 * Workload: the durable loop of durable-loop.ts (one node, an `llm_call` per step answered by a
 * stub, two hash-chained records and a state save per step), 10,000 steps per run, synchronous=
 * NORMAL. "runtime" is one `runtime.tick` for the whole run; "studio_driver" is the service's
 * RunDriver (the path every Studio Step, Continue, start and wake-up takes) driving the same kind
 * of run from `kick` to its stop, with the same Runtime, stores and handler: one lease for the
 * drive, the stop predicate asked before every node, a yield to the event loop every ~12 ms.
 * The two alternate run by run on the same open workspace, so both see the same WAL, ledger size
 * and neighbours; each figure is the median of the runs, with the ratio of the medians.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Runtime, WorkflowRegistry } from '../src/runtime/index';
import { SqliteWorkspace } from '../src/runtime/storage/sqlite/index';
import { RunDriver } from '../src/main/service/sessions/run-driver';
import { emit, load1, loopWorkflow, median, stubLlm, withTempDir } from './durable-loop';

const STEPS = Number(process.env['STUDIO_DRIVE_STEPS'] ?? 10_000);
const REPS = Number(process.env['STUDIO_DRIVE_REPS'] ?? 11);

export async function run(): Promise<void> {
  await withTempDir(async (dir) => {
    const ws = SqliteWorkspace.open(join(dir, 'drive.sqlite'), { synchronous: 'NORMAL' });
    try {
      const registry = new WorkflowRegistry();
      const wf = loopWorkflow(STEPS);
      registry.register(wf);
      const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, workflowRegistry: registry, effectHandlers: { llm_call: stubLlm } });
      let driveError: unknown = null;
      const driver = new RunDriver(runtime, registry, { paused: [], breakpoints: {} }, () => undefined, (_id, e) => (driveError = e));

      const viaRuntime = async (): Promise<number> => {
        const runId = await runtime.start({ workflow: wf });
        const t0 = process.hrtime.bigint();
        const end = await runtime.tick({ workflow: wf, runId, maxSteps: STEPS + 1 });
        const s = Number(process.hrtime.bigint() - t0) / 1e9;
        if (end.status !== 'completed') throw new Error(`runtime loop ended ${end.status}`);
        return STEPS / s;
      };
      const viaDriver = async (): Promise<number> => {
        const runId = await runtime.start({ workflow: wf });
        const t0 = process.hrtime.bigint();
        driver.kick(runId);
        await driver.idle();
        const s = Number(process.hrtime.bigint() - t0) / 1e9;
        const end = await runtime.getState(runId);
        if (driveError || end.status !== 'completed') throw new Error(`driver loop ended ${end.status}: ${String(driveError)}`);
        return STEPS / s;
      };

      await sleep(250); // the workspace settles (its WAL checkpoint worker starts), as in sqlite-throughput
      await viaRuntime(); // warm-up of both paths
      await viaDriver();
      const rt: number[] = [];
      const dr: number[] = [];
      for (let i = 0; i < REPS; i++) {
        // Alternating which goes first, so neither always runs on the warmer (or busier) slot.
        if (i % 2 === 0) {
          rt.push(Math.round(await viaRuntime()));
          dr.push(Math.round(await viaDriver()));
        } else {
          dr.push(Math.round(await viaDriver()));
          rt.push(Math.round(await viaRuntime()));
        }
      }
      const runtimeMedian = Math.round(median(rt));
      const driverMedian = Math.round(median(dr));
      emit({ bench: 'studio_drive', loop: 'runtime', steps: STEPS, steps_per_s: runtimeMedian, runs: rt, load1: load1() });
      emit({ bench: 'studio_drive', loop: 'studio_driver', steps: STEPS, steps_per_s: driverMedian, runs: dr, load1: load1() });
      emit({ bench: 'studio_drive', ratio: +(driverMedian / runtimeMedian).toFixed(3), target: 0.9, load1: load1() });
      await driver.close();
    } finally {
      ws.close();
    }
  });
}
