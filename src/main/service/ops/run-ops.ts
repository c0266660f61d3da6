import { isJsonObject, parseJson, RunStatus, RuntimeError, type JsonObject, type RunState } from '../../../runtime/index';
import { type Page, type RunSummary } from '../../../shared/contract/domain';
import { StudioError } from '../../../shared/contract/errors';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { toRunSummary } from '../dto/run-dto';
import { actOrAsk, assertNotHeldElsewhere } from '../run-requests/act-or-ask';
import { tombstoneSummary } from '../dto/tombstone-dto';
import { asLostRace, lostRace, type RaceAction } from './lost-race';
import { changeable, control, detailOf, factsOf, loadRunOr404, session, type ServiceContext } from '../service-context';
import { type AskCapability, type ControlCapability } from '../sessions/session-capabilities';
import { type ReadSession } from '../sessions/session';
import { diffJson } from '../state-diff';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

/** A JSON object typed by a person, parsed losslessly; anything else is a clear BAD_REQUEST. */
export function parsePayload(text: string, what: string): JsonObject {
  let value;
  try {
    value = parseJson(text, { source: what });
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `${(e as Error).message}. Fix the JSON and send it again.`);
  }
  if (!isJsonObject(value)) throw new StudioError('BAD_REQUEST', `The ${what} must be a JSON object, like {"response": "yes"}.`);
  return value;
}

export const queryRuns: Handler<'runs.query'> = async (ctx, req) => {
  const s = session(ctx);
  const { items, total } = await s.queryRuns(req);
  const out: RunSummary[] = [];
  for (const row of items) {
    if (row.tombstone) {
      out.push(tombstoneSummary(row.tombstone));
      continue;
    }
    const run = await s.loadRun(row.runId);
    if (run) out.push(toRunSummary(run, factsOf(s, row, run)));
  }
  return { items: out, total, offset: req.offset } satisfies Page<RunSummary>;
};

export const getRun: Handler<'runs.get'> = (ctx, req) => detailOf(session(ctx), req.runId);

export const runVisits: Handler<'runs.visits'> = async (ctx, req) => {
  const s = session(ctx);
  await loadRunOr404(s, req.runId);
  return s.visitsOf(req.runId);
};

export const startRun: Handler<'runs.start'> = async (ctx, req) => {
  const s = control(ctx);
  const workflow = s.registry.get(req.workflowId);
  if (!workflow) throw new StudioError('NOT_FOUND', `No workflow '${req.workflowId}' is loaded in this workspace. Pick one from the Workflows list.`);
  const vars = req.varsJson ? parsePayload(req.varsJson, 'initial vars') : {};
  const runId = await s.runtime.start({ workflow, vars, actorId: ctx.actorId });
  // Pinned now, not at its first step: a run started paused keeps this version through any reload.
  s.catalog.pin(runId, workflow.workflowId);
  if (req.pausedAtEntry) s.driver.pause(runId);
  else s.driver.kick(runId);
  return detailOf(s, runId);
};

export const stepRun: Handler<'runs.step'> = async (ctx, req) => {
  const s = control(ctx);
  assertNotHeldElsewhere(s, req.runId); // who holds it says more than a workflow this Studio lacks
  await s.driver.step(req.runId, req.expect);
  return detailOf(s, req.runId);
};

export const continueRun: Handler<'runs.continue'> = async (ctx, req) => {
  const s = control(ctx);
  await loadRunOr404(s, req.runId);
  assertNotHeldElsewhere(s, req.runId); // the drive would fail in the background, out of sight
  s.driver.continue(req.runId);
  return detailOf(s, req.runId);
};

export const pauseRun: Handler<'runs.pause'> = async (ctx, req) => {
  const s = control(ctx);
  await loadRunOr404(s, req.runId);
  s.driver.pause(req.runId);
  return detailOf(s, req.runId);
};

export const setBreakpoint: Handler<'runs.setBreakpoint'> = async (ctx, req) => {
  const s = control(ctx);
  const run = await loadRunOr404(s, req.runId);
  const wf = s.registry.get(run.workflowId);
  if (wf && !Object.hasOwn(wf.nodes, req.nodeId)) {
    throw new StudioError('NOT_FOUND', `Workflow '${run.workflowId}' has no node '${req.nodeId}'.`);
  }
  s.driver.setBreakpoint(req.runId, req.nodeId, req.enabled);
  return detailOf(s, req.runId);
};

export const cancelRun: Handler<'runs.cancel'> = async (ctx, req) => {
  const ask = session(ctx).capabilities.ask;
  if (ask) return cancelByAsking(ctx, ask, req.runId, req.reason ?? 'Cancelled in the Studio', req.withChildren ?? false);
  const s = control(ctx);
  const run = await loadRunOr404(s, req.runId);
  const options = { reason: req.reason ?? 'Cancelled in the Studio', actorId: ctx.actorId };
  const cancelled = req.withChildren ? await cancelTree(s, ctx.actorId, run.runId, options) : [await cancelOne(s, ctx.actorId, run.runId, options)];
  const out: RunSummary[] = [];
  for (const r of cancelled) out.push(toRunSummary(r, factsOf(s, await s.runRow(r.runId), r)));
  return out;
};

/** Attached to workers: each cancel (the run's, then its unfinished children's) is a request they carry out. */
async function cancelByAsking(ctx: ServiceContext, ask: AskCapability, runId: string, reason: string, withChildren: boolean): Promise<RunSummary[]> {
  const s = session(ctx);
  await loadRunOr404(s, runId);
  const ids = [runId];
  for (let i = 0; withChildren && i < ids.length; i++) {
    const { items } = await s.queryRuns({ parentRunId: ids[i], limit: 10_000 });
    for (const k of items) if (k.status === RunStatus.RUNNING || k.status === RunStatus.WAITING) ids.push(k.runId);
  }
  const out: RunSummary[] = [];
  for (const id of ids) {
    const { run } = await ask.ask(id, { kind: 'cancel', reason }, ctx.actorId);
    out.push(toRunSummary(run, factsOf(s, await s.runRow(id), run)));
  }
  return out;
}

function cancelOne(s: ControlCapability, actorId: string, runId: string, options: { reason: string; actorId: string }): Promise<RunState> {
  // A drive holds its run until its next stop: a cancel here waits for the drives to stand still.
  return actOrAsk(s, actorId, runId, { kind: 'cancel', reason: options.reason }, () => s.driver.whileHalted(() => s.runtime.cancelRun(runId, options))).then((r) => r.run);
}

/** A run another live process holds is cancelled by that process, which is left its children too. */
async function cancelTree(s: ControlCapability, actorId: string, runId: string, options: { reason: string; actorId: string }): Promise<RunState[]> {
  try {
    return await s.driver.whileHalted(() => s.scheduler.cancelWithChildren(runId, options));
  } catch (e) {
    if (!(e instanceof RuntimeError && e.code === 'RUN_LOCKED')) throw e;
    return [await cancelOne(s, actorId, runId, options)];
  }
}

/**
 * Resumes a waiting run with a payload (an answer, an event, an approval), then drives it unless
 * paused. A run another live process holds is resumed by that process, which drives it on itself.
 * Someone else acting on the run first, at whatever instant, is one RUN_NOT_WAITING naming them.
 */
export async function resumeWith(ctx: ServiceContext, runId: string, waitKey: string | null, payload: JsonObject, action: RaceAction = 'answer'): Promise<RunState> {
  const s = changeable(ctx);
  const ask = s.capabilities.ask;
  const run = await loadRunOr404(s, runId);
  if (run.status !== RunStatus.WAITING || !run.waiting) throw await lostRace(s, runId, waitKey, action);
  const waited = run.waiting.waitKey;
  let resumed: RunState;
  try {
    const body = { kind: 'resume', waitKey, payload } as const;
    // Attached to workers: a worker resumes and drives it. Else the driver resumes and drives it
    // here, or a run another live process holds is resumed and driven there.
    ({ run: resumed } = ask
      ? await ask.ask(runId, body, ctx.actorId)
      : await actOrAsk(control(ctx), ctx.actorId, runId, body, () => {
          const c = control(ctx);
          const workflow = c.catalog.specFor(run);
          if (!workflow) throw new StudioError('NOT_FOUND', `Workflow '${run.workflowId}' is not loaded, so run ${runId} cannot go on.`);
          return c.driver.resume({ workflow, runId, waitKey, payload, actorId: ctx.actorId });
        }));
  } catch (e) {
    throw (await asLostRace(s, runId, waitKey ?? waited, action, e)) ?? e;
  }
  ctx.events.emit('prompt.answered', { runId, waitKey: waited, actorId: ctx.actorId });
  return resumed;
}

export const resumeEvent: Handler<'runs.resumeEvent'> = async (ctx, req) => {
  await resumeWith(ctx, req.runId, req.waitKey, parsePayload(req.payloadJson, 'event payload'), 'event');
  return detailOf(session(ctx), req.runId);
};

/** A person decides a wait_until run may wake now: recorded as a resume with the wait's own result shape. */
export const fastForward: Handler<'runs.fastForward'> = async (ctx, req) => {
  const s = session(ctx);
  const run = await loadRunOr404(s, req.runId);
  // Not waiting at all: someone (or the scheduler) got there first. Waiting on something else: a wrong button.
  if (run.status !== RunStatus.WAITING || !run.waiting) throw await lostRace(s, req.runId, null, 'fast-forward');
  if (run.waiting.reason !== 'until') {
    throw new StudioError('CONFLICT', `Run ${req.runId} is not waiting for a time, so there is nothing to fast-forward.`);
  }
  await resumeWith(ctx, req.runId, null, { until: run.waiting.until, ready: true, fast_forwarded: true }, 'fast-forward');
  return detailOf(s, req.runId);
};

export const forkRun: Handler<'runs.fork'> = async (ctx, req) => {
  const s = changeable(ctx);
  const ask = s.capabilities.ask;
  let runId = req.runId;
  let atSeq = req.seq;
  if (req.snapshotId) {
    const snap = await s.snapshots.load(req.snapshotId);
    if (!snap) throw new StudioError('NOT_FOUND', `No snapshot ${req.snapshotId}.`);
    runId = snap.runId;
    atSeq = await seqOfStep(ctx, snap.runId, snap.stepId);
  }
  const source = await loadRunOr404(s, runId as string);
  const count = await s.ledgerCount(source.runId);
  const seq = atSeq ?? count - 1;
  if (seq < -1 || seq >= count) throw new StudioError('BAD_REQUEST', `Run ${source.runId} has records 0 to ${count - 1}; cannot fork at ${seq}.`);
  const edit = req.varsJson !== undefined ? await forkEdit(s, source.runId, seq, req.varsJson) : undefined;
  const options = { runId: source.runId, atSeq: seq, actorId: ctx.actorId, ...(edit ? { edit } : {}) };
  if (ask) {
    // Attached to workers: the fork is written here (data only) and the workers drive it at once:
    // `pausedAtEntry` (the dialog's default) cannot hold a run that no debugger here drives.
    const fork = await ask.fork(options);
    return detailOf(s, fork.runId);
  }
  const c = control(ctx);
  const fork = await c.ws.forkRun(options);
  if (req.pausedAtEntry) c.driver.pause(fork.runId);
  else c.driver.kick(fork.runId);
  return detailOf(c, fork.runId);
};

/**
 * The vars a person typed in the fork dialog, checked against the state they edited: the diff
 * (paths with JSON before and after) goes into the fork's origin, so the ledger says what was
 * changed by hand. An edit that changes nothing is refused: that is a plain fork.
 */
async function forkEdit(s: ReadSession, runId: string, seq: number, varsJson: string): Promise<{ vars: JsonObject; record: JsonObject }> {
  const vars = parsePayload(varsJson, 'edited vars');
  const base = await s.stateAt(runId, seq);
  if (!base) throw new StudioError('NOT_FOUND', `Run ${runId} has no saved state at record ${seq}, so there is nothing to edit.`);
  const changes = diffJson(base.vars, vars);
  if (changes.length === 0) throw new StudioError('BAD_REQUEST', 'The edited vars are the same as the state at that record: fork without editing, or change something.');
  return {
    vars,
    record: { by: 'fork dialog', changes: changes.map((c) => ({ path: ['vars', ...c.path], kind: c.kind, before: c.beforeJson, after: c.afterJson })) },
  };
}

/** The seq of the last record of a step (a snapshot remembers the step it was taken at). */
async function seqOfStep(ctx: ServiceContext, runId: string, stepId: string | null): Promise<number> {
  const s = session(ctx);
  const count = await s.ledgerCount(runId);
  if (!stepId) return count - 1;
  for (let from = Math.max(0, count - 1000); ; from = Math.max(0, from - 1000)) {
    const page = await s.ledgerPage(runId, from, 1000);
    for (let i = page.length - 1; i >= 0; i--) if (page[i]!.record.stepId === stepId) return page[i]!.seq;
    if (from === 0) break;
  }
  throw new StudioError('NOT_FOUND', `The snapshot's step ${stepId} is not in the ledger of run ${runId}.`);
}
