/**
 * The crash test's worker process: `node --import tsx crash-child.ts <workspace> <side-log> <seed>
 * <crash|drain> <max-runs>`. It drives durable runs on the workspace as an app would (starts runs,
 * ticks interrupted ones, answers event waits, lets the real Scheduler wake wait_until runs and
 * resume parents of subworkflows) until it is killed. In `drain` mode it starts nothing new and
 * exits 0 once every run is finished. Any unexpected error (a lease it cannot take over, a failed
 * run) exits 2 with the error on stderr.
 */
import { randomUUID } from 'node:crypto';
import { type EffectHandler } from '../../../core/effect-handler';
import { type EffectType, RunStatus, WaitReason } from '../../../core/enums';
import { type RunState } from '../../../core/models';
import { EffectOutcome } from '../../../core/outcome';
import { computeIdempotencyKey, DefaultEffectPolicy } from '../../../core/policy';
import { Runtime } from '../../../core/runtime';
import { RuntimeError } from '../../../errors';
import { Scheduler } from '../../../scheduler/scheduler';
import { WorkflowRegistry } from '../../../scheduler/workflow-registry';
import { SqliteWorkspace } from '../sqlite-workspace';
import { FLAKY_EFFECT, MAIN_WORKFLOW, mainWorkflow, randomPlan, seededRandom, subWorkflow } from './crash-workflows';
import { SideLog } from './side-log';

const ACTIVE_RUNS = 6;

function fatal(what: string, err: unknown): never {
  process.stderr.write(`crash child ${process.pid}: ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
}

/** Stub handlers that log every execution (fsync'd) before returning. */
function handlers(log: SideLog): Record<string, EffectHandler> {
  const attempts = new Map<string, number>();
  const execute = (run: RunState, type: string, payload: Record<string, unknown>): { id: string; attempt: number } => {
    // The runtime's key for this visit: the node is still the current one while its effect runs.
    const key = computeIdempotencyKey({ runId: run.runId, nodeId: run.currentNode, effect: { type: type as EffectType, payload: payload as never } });
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const id = randomUUID();
    log.append({ x: id, p: process.pid, r: run.runId, k: key, t: type, a: attempt });
    return { id, attempt };
  };
  return {
    llm_call: (run, effect) => {
      const { id } = execute(run, effect.type, effect.payload ?? {});
      return EffectOutcome.completed({ content: `ok ${String(effect.payload?.['i'])}`, exec_id: id });
    },
    // Fails twice in each process before it succeeds: the policy allows three attempts.
    [FLAKY_EFFECT]: (run, effect) => {
      const { id, attempt } = execute(run, effect.type, effect.payload ?? {});
      return attempt % 3 === 0 ? EffectOutcome.completed({ content: 'flaky ok', exec_id: id }) : EffectOutcome.failed(`flaky attempt ${attempt}`);
    },
  };
}

const ignorable = (err: unknown): boolean => err instanceof RuntimeError && (err.code === 'RUN_NOT_WAITING' || err.code === 'WAIT_KEY_MISMATCH');

class Driver {
  constructor(
    private readonly ws: SqliteWorkspace,
    private readonly runtime: Runtime,
    private readonly scheduler: Scheduler,
    private readonly registry: WorkflowRegistry,
    private readonly random: () => number,
  ) {}

  /** One pass over the workspace; returns how many runs are not finished. */
  async pass(startNew: boolean, maxRuns: number): Promise<number> {
    const running = await this.ws.runs.listRuns({ status: RunStatus.RUNNING, limit: 10_000 });
    const waiting = await this.ws.runs.listRuns({ status: RunStatus.WAITING, limit: 10_000 });
    if (startNew && running.length + waiting.length < ACTIVE_RUNS && this.ws.runIndex.query({ workflowId: MAIN_WORKFLOW, limit: 1 }).total < maxRuns) {
      const plan = randomPlan(this.random, 10 + Math.floor(this.random() * 21));
      await this.runtime.start({ workflow: mainWorkflow, vars: { plan } });
    }
    for (const run of running) await this.runtime.tick({ workflow: this.registry.getOrRaise(run.workflowId), runId: run.runId });
    for (const run of waiting) await this.answer(run);
    return running.length + waiting.length;
  }

  private async answer(run: RunState): Promise<void> {
    const w = run.waiting;
    try {
      if (w?.reason === WaitReason.EVENT) {
        await this.scheduler.resumeEvent({ runId: run.runId, waitKey: w.waitKey, payload: { answered_by: process.pid } });
      } else if (w?.reason === WaitReason.SUBWORKFLOW) {
        // The scheduler resumes a parent when its child completes in this process; a child that
        // completed in a killed process is caught up here.
        const childId = w.details?.['sub_run_id'];
        const child = typeof childId === 'string' ? await this.ws.runs.load(childId) : null;
        if (child?.status === RunStatus.COMPLETED) await this.scheduler.resumeSubworkflowParent({ childRunId: child.runId, childOutput: child.output });
      }
    } catch (err) {
      if (!ignorable(err)) throw err;
    }
  }
}

async function main(): Promise<void> {
  const [path, logPath, seedText, mode, maxRunsText] = process.argv.slice(2) as [string, string, string, string, string];
  const random = seededRandom(Number(seedText));
  // Checkpoints every few dozen pages, so kills also land while the WAL is copied into the file.
  const ws = SqliteWorkspace.open(path, { walAutocheckpointPages: 16 + Math.floor(random() * 64) });
  const registry = new WorkflowRegistry();
  registry.register(mainWorkflow);
  registry.register(subWorkflow);
  const runtime = new Runtime({
    runStore: ws.runs,
    ledgerStore: ws.ledger,
    workflowRegistry: registry,
    effectHandlers: handlers(new SideLog(logPath)),
    effectPolicy: new DefaultEffectPolicy({ defaultBackoffBase: 0.002, effectMaxAttempts: { [FLAKY_EFFECT]: 3 } }),
    // Half the children commit each `started` record ahead of its effect, as the reference does.
    writeAhead: random() < 0.5,
  });
  const scheduler = new Scheduler({ runtime, registry, pollIntervalS: 0.02, onRunFailed: (runId, err) => fatal(`scheduler could not tick ${runId}`, err) });
  scheduler.start();
  const driver = new Driver(ws, runtime, scheduler, registry, random);
  process.stdout.write('ready\n');
  for (;;) {
    const open = await driver.pass(mode === 'crash', Number(maxRunsText));
    const failed = await ws.runs.listRuns({ status: RunStatus.FAILED, limit: 1 });
    if (failed.length > 0) fatal('a run failed', failed[0]?.error);
    if (scheduler.stats.errors.length > 0) fatal('scheduler error', scheduler.stats.errors.join('\n'));
    if (mode === 'drain' && open === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await scheduler.stop();
  ws.close();
}

main().catch((err: unknown) => fatal('driver', err));
