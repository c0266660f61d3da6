import { decodeRunState } from '../core/codecs';
import { type RunState } from '../core/models';
import { type SnapshotStore } from '../snapshots/snapshot';
import { type Runtime } from '../core/runtime';
import { type WorkflowSpec } from '../core/spec';
import { InvalidArgumentError, RuntimeError, UnknownSnapshotError } from '../errors';
import { executeApprovedToolCalls, type ToolCallDecisions } from '../integrations/tools/approval-tool-executor';
import { type ToolExecutor } from '../integrations/tools/tool-executor';
import { isJsonObject, type JsonObject } from '../json/json-value';
import { lastRecord } from '../storage/ledger-store';
import { type RunRequest, type RunRequestQueue } from './run-request';

export interface RequestCarrierOptions {
  /** The holder's runtime: it holds the run's lease (a RunOwner's hold, a worker's claim). */
  runtime: Runtime;
  requests: RunRequestQueue;
  /** Names the holder in the queue (`handled_by`) and in the ledger (`via.carried_out_by`). */
  name: string;
  /** The workflow of a held run (throws UNKNOWN_WORKFLOW when this holder has no code for it). */
  workflowOf: (workflowId: string) => WorkflowSpec;
  /**
   * Runs the tool calls a person approved (an answer `{"decisions": …}` to an approval wait), here,
   * with this holder's tools: the asker never runs them. Without it such answers are refused.
   */
  toolExecutor?: ToolExecutor | null;
  /** Where a restore request's snapshot is read (the holder's own workspace); without it restores are refused. */
  snapshots?: SnapshotStore | null;
  /** Hears each request once carried out or refused. */
  onRequest?: (request: RunRequest) => void;
}

/** What became of a request this holder took: its final row, and the run's state when it was applied now. */
export interface CarriedOut {
  request: RunRequest;
  /** The run after the request, when this call applied it (null: refused, or found applied already). */
  after: RunState | null;
}

const errorOf = (err: unknown): { code: string; message: string } =>
  err instanceof RuntimeError ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };

const isLeaseLost = (err: unknown): boolean => err instanceof RuntimeError && err.code === 'LEASE_LOST';

/**
 * The one way a holder carries out what was asked of a run it holds, for the app's RunOwner and
 * for PostgreSQL workers alike: take the request (unless the asker withdrew it first), apply it
 * as a resume (answers, events, approvals) or a cancel with the asker as the actor and `via`
 * naming the request, the asker and this holder, then finish it with the run's status or the
 * typed refusal. The caller drives the run on afterwards (the answer is given first).
 */
export class RequestCarrier {
  constructor(private readonly options: RequestCarrierOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** Takes and carries out a pending request; null when the asker withdrew it (or another holder took it) first. */
  async carryOut(request: RunRequest): Promise<CarriedOut | null> {
    if (!(await this.options.requests.take(request.id, this.name))) return null;
    return this.applyAndFinish(request);
  }

  /**
   * Finishes a request the run's last holder took and never finished (it died, or lost the
   * lease, in between): the caller holds the run now, so nothing the last holder does can commit
   * any more, and the ledger says whether it was applied. Applied: answered as done, never
   * applied twice. Not applied: carried out now. Null when it is no longer in that holder's hand.
   */
  async recover(request: RunRequest): Promise<CarriedOut | null> {
    const from = request.handledBy;
    if (from === null || !(await this.options.requests.retake(request.id, from, this.name))) return null;
    if (await this.wasApplied(request)) {
      const run = await this.options.runtime.getState(request.runId);
      return this.finish(request, { runStatus: run.status }, null);
    }
    return this.applyAndFinish(request);
  }

  private async applyAndFinish(request: RunRequest): Promise<CarriedOut | null> {
    let after: RunState;
    try {
      after = await this.apply(request, { request_id: request.id, requested_by: request.requestedBy, carried_out_by: this.name });
    } catch (err) {
      // Nothing was written and the run is another holder's now: left in hand, it is finished by
      // that holder (`recover`), so the asker's answer is not lost with our lease.
      if (isLeaseLost(err)) throw err;
      return this.finish(request, { error: errorOf(err) }, null);
    }
    return this.finish(request, { runStatus: after.status }, after);
  }

  private async finish(request: RunRequest, outcome: { runStatus: string } | { error: { code: string; message: string } }, after: RunState | null): Promise<CarriedOut | null> {
    if (!(await this.options.requests.finish(request.id, this.name, outcome))) return null;
    const answered = await this.options.requests.get(request.id);
    if (!answered) return null;
    this.options.onRequest?.(answered);
    return { request: answered, after };
  }

  /** Whether a resume or cancel naming this request is in the run's ledger: the newest record first (where it lands), else all of it. */
  private async wasApplied(request: RunRequest): Promise<boolean> {
    const ledger = this.options.runtime.ledgerStore;
    const names = (r: { result: JsonObject | null } | null): boolean => {
      const via = r?.result?.['via'];
      return isJsonObject(via) && via['request_id'] === request.id;
    };
    if (names(await lastRecord(ledger, request.runId))) return true;
    return (await ledger.list(request.runId)).some(names);
  }

  private async apply(request: RunRequest, via: JsonObject): Promise<RunState> {
    const { body, runId, actorId } = request;
    const runtime = this.options.runtime;
    if (body.kind === 'cancel') return runtime.cancelRun(runId, { reason: body.reason, actorId, via });
    if (body.kind === 'restore') return this.restore(runId, body.snapshotId, actorId, via);
    const run = await runtime.getState(runId);
    const workflow = this.options.workflowOf(run.workflowId);
    const payload = await this.approvedPayload(run, body.payload, actorId);
    return runtime.resume({ workflow, runId, waitKey: body.waitKey, payload, actorId, via, maxSteps: 0 });
  }

  /** Puts the run back to the snapshot's state, recorded as the Studio's own restore is, with `via`. */
  private async restore(runId: string, snapshotId: string, actorId: string | null, via: JsonObject): Promise<RunState> {
    const store = this.options.snapshots;
    if (!store) throw new InvalidArgumentError(`${this.name} was given no snapshot store, so it cannot restore run ${runId} (the snapshots option of the request carrier).`);
    const snap = await store.load(snapshotId);
    if (!snap) throw new UnknownSnapshotError(snapshotId);
    if (snap.runId !== runId) throw new InvalidArgumentError(`Snapshot ${snapshotId} is of run ${snap.runId}, not of run ${runId}.`, { runId, snapshotId });
    const state = decodeRunState(snap.runState, `snapshot ${snapshotId}`);
    return this.options.runtime.restoreState(runId, state, { actorId, origin: { snapshot_id: snap.snapshotId, snapshot_name: snap.name }, via });
  }

  /** An approval's decisions become the results of the approved calls, run by this holder's executor. */
  private async approvedPayload(run: RunState, payload: JsonObject, actorId: string | null): Promise<JsonObject> {
    const details = run.waiting?.details;
    if (!isJsonObject(details) || details['mode'] !== 'approval' || !isJsonObject(payload['decisions'])) return payload;
    const executor = this.options.toolExecutor;
    if (!executor) {
      throw new InvalidArgumentError(`Run ${run.runId} waits for tool calls to be approved, and ${this.name} was given no tool executor to run them (the toolExecutor option of RunOwner or PostgresWorker).`);
    }
    const calls = Array.isArray(details['tool_calls']) ? details['tool_calls'] : [];
    return executeApprovedToolCalls(executor, calls, payload['decisions'] as unknown as ToolCallDecisions, { runId: run.runId, nodeId: run.currentNode, actorId });
  }
}
