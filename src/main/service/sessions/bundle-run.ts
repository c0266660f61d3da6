/**
 * What a read-only view of an audit bundle shows of its run. A bundle holds the ledger, not the
 * run's saved states, so the run is rebuilt from its records: where it stands (the last record),
 * when it started and moved, and who started it. Its vars and output are not in the bundle.
 */
import { decodeStepRecord, isJsonObject, waitState, type JsonObject, type RunState, type RunStatus, type StepRecord, type WaitReason } from '../../../runtime/index';

const WAIT_REASON: Record<string, WaitReason> = { ask_user: 'user', wait_event: 'event', wait_until: 'until', start_subworkflow: 'subworkflow' };

/** The bundle's records as the views need them; a record that cannot be read still takes its place, saying so. */
export function bundleStepRecords(dicts: readonly JsonObject[], runId: string, source: string): StepRecord[] {
  return dicts.map((d, seq) => {
    try {
      return decodeStepRecord(d, `${source} record ${seq}`);
    } catch (err) {
      const hash = d['record_hash'];
      return {
        runId,
        stepId: `(unreadable record ${seq})`,
        nodeId: '(unreadable)',
        status: 'failed',
        effect: null,
        result: null,
        error: `This record cannot be read: ${err instanceof Error ? err.message : String(err)}`,
        startedAt: '',
        endedAt: null,
        actorId: null,
        sessionId: null,
        attempt: 1,
        idempotencyKey: null,
        prevHash: null,
        recordHash: typeof hash === 'string' ? hash : null,
        signature: null,
      };
    }
  });
}

function statusOf(last: StepRecord | undefined): RunStatus {
  const result = last?.result ?? null;
  if (result?.['completed'] === true) return 'completed';
  if (result && 'cancelled' in result) return 'cancelled';
  if (last?.status === 'failed') return 'failed';
  if (last?.status === 'waiting') return 'waiting';
  return 'running';
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function runFromRecords(runId: string, workflowId: string | null, records: readonly StepRecord[], exportedAt: string): RunState {
  const first = records[0];
  const last = records.at(-1);
  const status = statusOf(last);
  const payload = last?.effect?.payload ?? {};
  const cancelled = last?.result?.['cancelled'];
  const cancelReason = isJsonObject(cancelled) ? text(cancelled['reason']) : null;
  return {
    runId,
    workflowId: workflowId ?? '(unknown workflow)',
    status,
    currentNode: last?.nodeId ?? '(no records)',
    vars: {},
    waiting:
      status === 'waiting'
        ? waitState({ reason: WAIT_REASON[last?.effect?.type ?? ''] ?? 'job', waitKey: text(payload['wait_key']), prompt: text(payload['prompt']) })
        : null,
    output: null,
    error: status === 'failed' ? (last?.error ?? 'failed') : status === 'cancelled' ? (cancelReason ?? 'Cancelled') : null,
    createdAt: first?.startedAt || exportedAt,
    updatedAt: last?.endedAt || last?.startedAt || exportedAt,
    actorId: first?.actorId ?? null,
    sessionId: first?.sessionId ?? null,
    parentRunId: null,
  };
}
