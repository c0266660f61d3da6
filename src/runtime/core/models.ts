import { randomUUID } from 'node:crypto';
import { cloneJson, type JsonObject, type JsonValue } from '../json/json-value';
import { formatIsoTimestamp, systemClock } from '../json/timestamp';
import { type EffectType, type RunStatus, type StepStatus, type WaitReason } from './enums';

/**
 * The runtime's data model, field for field the Python dataclasses of AbstractRuntime 0.2.0 in
 * camelCase. The snake_case forms that are stored and hashed are produced by `codecs.ts`; user data
 * (vars, payloads, results, outputs) is never renamed.
 */

/** A side effect as data. `payload` and `resultKey` may be omitted when building one. */
export interface Effect {
  readonly type: EffectType;
  readonly payload?: JsonObject;
  /** Dotted path inside `run.vars` that receives the result. */
  readonly resultKey?: string | null;
}

/** What a node handler returns. `completeOutput` wins over everything else. */
export interface StepPlan {
  readonly nodeId: string;
  readonly effect?: Effect | null;
  readonly nextNode?: string | null;
  readonly completeOutput?: JsonObject | null;
}

export interface WaitState {
  reason: WaitReason;
  waitKey: string | null;
  until: string | null;
  resumeToNode: string | null;
  /** Where the resume payload is stored. */
  resultKey: string | null;
  prompt: string | null;
  choices: string[] | null;
  allowFreeText: boolean;
  details: JsonObject | null;
}

export interface RunState {
  runId: string;
  workflowId: string;
  status: RunStatus;
  currentNode: string;
  vars: JsonObject;
  waiting: WaitState | null;
  output: JsonObject | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  actorId: string | null;
  sessionId: string | null;
  parentRunId: string | null;
}

/** The effect as it appears inside a ledger record. `type` is kept as read (newer runtimes add types). */
export interface RecordedEffect {
  type: EffectType | string;
  payload: JsonObject;
  resultKey: string | null;
}

/** One ledger entry. */
export interface StepRecord {
  runId: string;
  stepId: string;
  nodeId: string;
  status: StepStatus;
  effect: RecordedEffect | null;
  result: JsonObject | null;
  error: string | null;
  startedAt: string;
  endedAt: string | null;
  actorId: string | null;
  sessionId: string | null;
  /** 1-based attempt number. */
  attempt: number;
  idempotencyKey: string | null;
  prevHash: string | null;
  recordHash: string | null;
  signature: string | null;
}

/** Builds a complete WaitState; omitted fields take the reference defaults. */
export function waitState(init: Partial<WaitState> & Pick<WaitState, 'reason'>): WaitState {
  return {
    reason: init.reason,
    waitKey: init.waitKey ?? null,
    until: init.until ?? null,
    resumeToNode: init.resumeToNode ?? null,
    resultKey: init.resultKey ?? null,
    prompt: init.prompt ?? null,
    choices: init.choices ?? null,
    allowFreeText: init.allowFreeText ?? true,
    details: init.details ?? null,
  };
}

export function recordEffect(effect: Effect): RecordedEffect {
  return { type: effect.type, payload: effect.payload ?? {}, resultKey: effect.resultKey ?? null };
}

/** Deep copy of a RunState (stores hand out copies so callers cannot edit stored state by accident). */
export function cloneRunState(run: RunState): RunState {
  const w = run.waiting;
  return {
    ...run,
    vars: cloneJson(run.vars),
    waiting: w ? { ...w, choices: w.choices ? [...w.choices] : null, details: w.details ? cloneJson(w.details) : null } : null,
    output: run.output ? cloneJson(run.output) : null,
  };
}

export function cloneStepRecord(rec: StepRecord): StepRecord {
  return {
    ...rec,
    effect: rec.effect ? { ...rec.effect, payload: cloneJson(rec.effect.payload) } : null,
    result: rec.result ? cloneJson(rec.result) : null,
  };
}

export type { JsonObject, JsonValue };

/**
 * `RunState.new(...)` of the reference: a RUNNING run at the entry node, both timestamps now (two
 * clock reads, as in Python), `vars` as given. The Runtime's `start` is the usual way in; this is
 * for hosts and tests that build states directly.
 */
export const RunState = {
  new(init: {
    workflowId: string;
    entryNode: string;
    runId?: string;
    actorId?: string | null;
    sessionId?: string | null;
    vars?: JsonObject | null;
    parentRunId?: string | null;
    nowIso?: () => string;
  }): RunState {
    const now = init.nowIso ?? (() => formatIsoTimestamp(systemClock.nowMicros()));
    const createdAt = now();
    return {
      runId: init.runId ?? randomUUID(),
      workflowId: init.workflowId,
      status: 'running',
      currentNode: init.entryNode,
      vars: init.vars ?? {},
      waiting: null,
      output: null,
      error: null,
      createdAt,
      updatedAt: now(),
      actorId: init.actorId ?? null,
      sessionId: init.sessionId ?? null,
      parentRunId: init.parentRunId ?? null,
    };
  },
};

/** `WaitState(...)` of the reference, omitted fields defaulted (same as `waitState`). */
export const WaitState = { create: waitState };
