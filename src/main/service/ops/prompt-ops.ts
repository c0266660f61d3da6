import { isJsonObject, pyJsonDumps, RunStatus, type RunState } from '../../../runtime/index';
import { type PendingPrompt } from '../../../shared/contract/domain';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { detailOf, session, type ServiceContext } from '../service-context';
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

export const answerPrompt: Handler<'prompts.answer'> = async (ctx, req) => {
  await resumeWith(ctx, req.runId, req.waitKey, parsePayload(req.payloadJson, 'answer'));
  return detailOf(session(ctx), req.runId);
};
