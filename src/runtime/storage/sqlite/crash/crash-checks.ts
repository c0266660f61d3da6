import { type StepRecord } from '../../../core/models';
import { type JsonValue } from '../../../json/json-value';
import { canonicalJson } from '../../../json/py-dumps';
import { processAlive } from '../run-leases';
import { type CheckpointInfo } from '../checkpoints';
import { type SqliteWorkspace } from '../sqlite-workspace';
import { readSideLog } from './side-log';

/** What one inspection of the workspace found (for the test's log line). */
export interface CrashCheckReport {
  runs: number;
  completedRuns: number;
  records: number;
  executions: number;
  /** Effects executed more than once because a kill came between execution and commit (allowed). */
  reexecutedKeys: number;
  /** Runs not finished, runs whose ledger goes on past their saved state with unfinished attempts, and leases left by the killed process. */
  openRuns: number;
  danglingAttempts: number;
  deadLeases: number;
  leasesTakenOver: number;
}

export class CrashInvariantError extends Error {}

function fail(runId: string, what: string): never {
  throw new CrashInvariantError(`run ${runId}: ${what}`);
}

const same = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b);
const isAttempt = (r: StepRecord): boolean => r.effect !== null && (r.status === 'started' || r.status === 'failed');

/**
 * The saved state of a run must be explained by its ledger: it was saved at a seq whose record
 * says what the state says (a waiting record for a waiting run, the completion for a completed
 * one), only unfinished attempts may follow it, and every effect result in the vars is the result
 * of a completed record at or before that seq, and the other way round.
 */
export function checkExplained(runId: string, cp: CheckpointInfo, records: StepRecord[]): void {
  const head = records.length - 1;
  const { seq, state } = cp;
  if (seq > head) fail(runId, `state saved at seq ${seq} but the ledger head is ${head}`);
  for (const r of records.slice(seq + 1)) if (!isAttempt(r)) fail(runId, `record after the saved state (seq ${seq}) is ${r.status} of ${r.nodeId}, not an unfinished attempt`);
  const at = seq >= 0 ? (records[seq] as StepRecord) : null;
  if (state.status === 'waiting') {
    const wait = (at?.result?.['wait'] ?? null) as Record<string, JsonValue> | null;
    if (at?.status !== 'waiting' || !wait) fail(runId, `waiting (${state.waiting?.reason}), but the record it was saved at is ${at?.status ?? 'none'}`);
    if (wait['wait_key'] !== state.waiting?.waitKey || wait['reason'] !== state.waiting?.reason) fail(runId, 'waits for something else than its waiting record says');
    // A due wait_until is unblocked without a save (reference behaviour), so with write-ahead the
    // next effect's `started` record may follow; any other wait ends with a saved resume.
    if (seq !== head && state.waiting?.reason !== 'until') fail(runId, `waiting (${state.waiting?.reason}), but records follow its waiting record`);
  } else if (state.status === 'completed') {
    if (seq !== head || at?.effect !== null || at?.result?.['completed'] !== true) fail(runId, 'completed, but its last record is not the completion');
  } else if (state.status === 'running') {
    if (at && at.status !== 'completed') fail(runId, `running from a state saved at a ${at.status} record`);
  } else {
    fail(runId, `${state.status}: ${state.error}`);
  }
  const explained = new Set<string>();
  for (const r of records.slice(0, seq + 1)) {
    const key = r.effect?.resultKey;
    if (r.status !== 'completed' || !key?.startsWith('r_')) continue;
    if (!same(state.vars[key], r.result ?? undefined)) fail(runId, `var ${key} does not hold the result of completed record ${r.stepId}`);
    explained.add(key);
  }
  for (const k of Object.keys(state.vars)) if (k.startsWith('r_') && !explained.has(k)) fail(runId, `var ${k} has no completed record at or before seq ${seq}`);
}

/**
 * No completed effect was executed twice: each idempotency key (one per visit here) has at most
 * one completed record, and no execution of it happened after the one whose result was committed
 * (the side log is in execution order). Executions before it are re-executions of an effect whose
 * completion a kill prevented from committing: allowed (at-least-once), and counted.
 */
function checkExecutions(runId: string, records: StepRecord[], lineOf: Map<string, number>, lastLineOfKey: Map<string, number>): void {
  const completed = new Set<string>();
  for (const r of records) {
    if (!r.effect || r.status !== 'completed' || !r.idempotencyKey) continue;
    if (completed.has(r.idempotencyKey)) fail(runId, `effect ${r.idempotencyKey} completed twice`);
    completed.add(r.idempotencyKey);
    const execId = r.result?.['exec_id'];
    if (typeof execId !== 'string') continue; // built-in effects (subworkflow, wait_until) have no side log
    const line = lineOf.get(execId);
    if (line === undefined) fail(runId, `completed effect ${r.idempotencyKey} names execution ${execId}, which is not in the side log`);
    if (lastLineOfKey.get(r.idempotencyKey) !== line) fail(runId, `effect ${r.idempotencyKey} was executed again after its completion was committed`);
  }
}

/** Every invariant the crash test asserts after a kill. `takeOver` chooses the dead leases the checker takes over itself. */
export async function checkWorkspace(ws: SqliteWorkspace, logPath: string, options: { final?: boolean; takeOver?: () => boolean } = {}): Promise<CrashCheckReport> {
  const log = readSideLog(logPath);
  const lineOf = new Map(log.map((e, i) => [e.x, i]));
  const lastLineOfKey = new Map(log.map((e, i) => [e.k, i]));
  const perKey = new Map<string, number>();
  for (const e of log) if (e.t === 'llm_call') perKey.set(e.k, (perKey.get(e.k) ?? 0) + 1);
  const report: CrashCheckReport = { runs: 0, completedRuns: 0, records: 0, executions: log.length, reexecutedKeys: [...perKey.values()].filter((n) => n > 1).length, openRuns: 0, danglingAttempts: 0, deadLeases: 0, leasesTakenOver: 0 };
  for (const runId of await ws.ledger.ledgerRunIds()) {
    const chain = await ws.verifyRun(runId);
    if (!chain.ok) fail(runId, `chain does not verify: ${JSON.stringify(chain.errors.slice(0, 3))}`);
  }
  for (const row of ws.runIndex.query({ limit: 1_000_000 }).items) {
    const { runId } = row;
    const cp = await ws.latestCheckpoint(runId);
    if (!cp) fail(runId, 'has a row but no saved state');
    if (cp.state.status !== row.status) fail(runId, `row says ${row.status}, state says ${cp.state.status}`);
    const records = await ws.ledger.list(runId);
    checkExplained(runId, cp, records);
    checkExecutions(runId, records, lineOf, lastLineOfKey);
    if (options.final && cp.state.status !== 'completed') fail(runId, `not driven to completion: ${cp.state.status}`);
    const holder = ws.leaseHolder(runId);
    if (holder && holder.pid !== process.pid && processAlive(holder.pid)) fail(runId, `leased by live process ${holder.pid} after the kill`);
    if (holder && holder.pid !== process.pid) report.deadLeases++;
    if (holder && options.takeOver?.()) {
      await (await ws.runs.acquireRunLease(runId)).release();
      report.leasesTakenOver++;
    }
    report.runs++;
    report.records += records.length;
    if (cp.state.status === 'completed') report.completedRuns++;
    else report.openRuns++;
    if (cp.seq < records.length - 1) report.danglingAttempts++;
  }
  return report;
}
