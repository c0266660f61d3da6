import { isJsonObject, pyJsonDumps, RunStatus, type RunState, type ToolCallDecisions } from '../../../runtime/index';
import { type PendingPrompt } from '../../../shared/contract/domain';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { StudioError } from '../../../shared/contract/errors';
import { control, detailOf, loadRunOr404, session, type ServiceContext } from '../service-context';
import { heldElsewhere } from '../run-requests/act-or-ask';
import { parsePayload, resumeWith } from './run-ops';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

/** What a waiting run asks of a person, or null when nobody can answer it (a child, a job). */
export function promptOf(run: RunState): PendingPrompt | null {
  const w = run.waiting;
  if (run.status !== RunStatus.WAITING || !w) return null;
  const details = w.details;
  const mode = isJsonObject(details) ? details['mode'] : undefined;
  const kind: PendingPrompt['kind'] | null =
    w.reason === 'user' ? 'question' : w.reason === 'until' ? 'timer' : w.reason === 'event' ? (mode === 'approval' || mode === 'passthrough' ? 'approval' : 'event') : null;
  if (!kind) return null;
  const calls = isJsonObject(details) ? details['tool_calls'] : undefined;
  return {
    runId: run.runId,
    workflowId: run.workflowId,
    nodeId: run.currentNode,
    reason: w.reason,
    kind,
    waitKey: w.waitKey,
    prompt: w.prompt,
    choices: w.choices,
    allowFreeText: w.allowFreeText,
    until: w.until,
    toolCallsJson: calls === undefined ? null : pyJsonDumps(calls, { indent: 2 }),
    since: run.updatedAt,
  };
}

export const listPrompts: Handler<'prompts.list'> = async (ctx) => {
  const s = session(ctx);
  const { items } = await s.queryRuns({ status: 'waiting', sort: 'updated_asc', limit: 1000 });
  const out: PendingPrompt[] = [];
  for (const row of items) {
    const run = await s.loadRun(row.runId);
    const p = run ? promptOf(run) : null;
    if (p) out.push(p);
  }
  return out;
};

/**
 * Answers a prompt. For a tool-approval wait the answer is `{"decisions": {<call key>: {approved,
 * arguments?, reason?}}}`: the approved (possibly edited) calls run here, in-process, and the run
 * resumes with their results and the decisions, so the ledger shows who approved what.
 */
export const answerPrompt: Handler<'prompts.answer'> = async (ctx, req) => {
  let payload = parsePayload(req.payloadJson, 'answer');
  const run = await loadRunOr404(session(ctx), req.runId);
  const details = run.waiting?.details;
  // A run another live process holds gets the decisions themselves: that process runs the approved
  // calls with its own tools (RunOwner's toolExecutor); the Studio never runs them for it.
  // Attached to workers, every run is theirs: the decisions go to the worker that carries them out.
  const heldByOther = session(ctx).capabilities.ask !== null || heldElsewhere(control(ctx).ws, req.runId) !== null;
  if (!heldByOther && isJsonObject(details) && details['mode'] === 'approval' && isJsonObject(payload['decisions'])) {
    const calls = details['tool_calls'];
    try {
      payload = await control(ctx).effects.executeApproved(Array.isArray(calls) ? calls : [], payload['decisions'] as unknown as ToolCallDecisions, {
        runId: run.runId,
        nodeId: run.currentNode,
        actorId: ctx.actorId,
      });
    } catch (e) {
      throw new StudioError('BAD_REQUEST', `The approval could not be applied: ${(e as Error).message}.`);
    }
  }
  await resumeWith(ctx, req.runId, req.waitKey, payload);
  return detailOf(session(ctx), req.runId);
};
