import { type RunTombstone } from '../../../runtime/storage/sqlite/index';
import { type RunSummary } from '../../../shared/contract/domain';

/** A deleted run's row in the runs list, from its tombstone: what it was, and that it is gone. */
export function tombstoneSummary(t: RunTombstone): RunSummary {
  return {
    runId: t.runId,
    workflowId: t.workflowId,
    status: t.finalStatus,
    currentNode: t.currentNode,
    waitReason: null,
    waitLabel: null,
    error: null,
    createdAt: t.createdAt,
    updatedAt: t.deletedAt,
    parentRunId: t.parentRunId,
    childCount: 0,
    ledgerCount: t.recordCount,
    paused: false,
    forkedFrom: null,
    stop: null,
    actorId: null,
    archived: null,
    deleted: { deletedAt: t.deletedAt, deletedBy: t.deletedBy, recordCount: t.recordCount, headHash: t.headHash, lastUpdatedAt: t.updatedAt },
  };
}
