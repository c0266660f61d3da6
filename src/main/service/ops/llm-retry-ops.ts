/**
 * Retry of a failed LLM call, from the conversation view.
 *
 * Decision: the failed run itself is re-driven (not forked). Its state from before the failed call
 * is written back as a restore, which the ledger records with the person who asked and
 * `retry_of` (the failed record's seq, node and error), and the run is driven on from that node:
 * the conversation stays one run, the failure stays in its history, and nothing is duplicated.
 * The request names the failed record the person saw; a run that has moved on since (retried by
 * someone else, restored, forked into) is refused with RUN_MOVED_ON and left as it is.
 */
import { RunStatus } from '../../../runtime/index';
import { StudioError } from '../../../shared/contract/errors';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { assertNotHeldElsewhere } from '../run-requests/act-or-ask';
import { control, detailOf, loadRunOr404, type ServiceContext } from '../service-context';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

export const retryLlm: Handler<'runs.retryLlm'> = async (ctx, req) => {
  const s = control(ctx);
  const run = await loadRunOr404(s, req.runId);
  const count = await s.ledgerCount(req.runId);
  const [hit] = req.seq < count ? await s.ledgerPage(req.runId, req.seq, 1) : [];
  const record = hit && hit.seq === req.seq ? hit.record : null;
  if (!record) throw new StudioError('NOT_FOUND', `Run ${req.runId} has ${count} ledger records; there is no record ${req.seq} to retry. Reload the run.`);
  if (record.effect?.type !== 'llm_call' || record.status !== 'failed') {
    throw new StudioError('NOT_RETRYABLE', `Record ${req.seq} of run ${req.runId} is ${record.effect ? `a ${record.status} ${record.effect.type}` : `a ${record.status} step`}, not a failed LLM call: there is nothing to retry.`, { runId: req.runId, seq: req.seq });
  }
  // The failed call must still be where the run stands: its last record, on a failed run.
  if (run.status !== RunStatus.FAILED || count - 1 !== req.seq) {
    throw new StudioError(
      'RUN_MOVED_ON',
      `Run ${req.runId} has moved on since record ${req.seq} failed: it is ${run.status} with ${count} records. Nothing was retried; look at its latest records first.`,
      { runId: req.runId, seq: req.seq, status: run.status, records: count },
    );
  }
  const before = req.seq > 0 ? await s.stateAt(req.runId, req.seq - 1) : null;
  if (!before || before.status !== RunStatus.RUNNING || before.currentNode !== record.nodeId) {
    throw new StudioError('NOT_RETRYABLE', `Run ${req.runId} has no saved state from just before its LLM call at node ${record.nodeId}, so the call cannot be made again. Fork the run at an earlier record instead.`, {
      runId: req.runId,
      seq: req.seq,
    });
  }
  assertNotHeldElsewhere(s, req.runId);
  await s.driver.restore(req.runId, before, {
    actorId: ctx.actorId,
    origin: { retry_of: { seq: req.seq, node_id: record.nodeId, step_id: record.stepId, error: record.error ?? null } },
  });
  // The restore holds the run; a retry means "make the call again now".
  s.driver.continue(req.runId);
  return detailOf(s, req.runId);
};
