import { InvalidArgumentError } from '../errors';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value';
import { isRunStatus, isStepStatus, isWaitReason } from './enums';
import { type RecordedEffect, type RunState, type StepRecord, type WaitState } from './models';

/**
 * Explicit codecs between the camelCase model and the snake_case dicts that Python's
 * `dataclasses.asdict` produces. Key order is the dataclass field order, which is what the
 * file stores write and what the JSONL ledger lines contain. User data passes through untouched.
 */

export class CodecError extends InvalidArgumentError {
  constructor(what: string, field: string, expected: string, source?: string) {
    super(`${source ? `${source}: ` : ''}${what} field '${field}' must be ${expected}.`, { what, field, source });
  }
}

export function encodeWaitState(w: WaitState): JsonObject {
  return {
    reason: w.reason,
    wait_key: w.waitKey,
    until: w.until,
    resume_to_node: w.resumeToNode,
    result_key: w.resultKey,
    prompt: w.prompt,
    choices: w.choices,
    allow_free_text: w.allowFreeText,
    details: w.details,
  };
}

export function encodeRunState(run: RunState): JsonObject {
  return {
    run_id: run.runId,
    workflow_id: run.workflowId,
    status: run.status,
    current_node: run.currentNode,
    vars: run.vars,
    waiting: run.waiting ? encodeWaitState(run.waiting) : null,
    output: run.output,
    error: run.error,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor_id: run.actorId,
    session_id: run.sessionId,
    parent_run_id: run.parentRunId,
  };
}

export function encodeRecordedEffect(e: RecordedEffect): JsonObject {
  return { type: e.type, payload: e.payload, result_key: e.resultKey };
}

export function encodeStepRecord(r: StepRecord): JsonObject {
  return {
    run_id: r.runId,
    step_id: r.stepId,
    node_id: r.nodeId,
    status: r.status,
    effect: r.effect ? encodeRecordedEffect(r.effect) : null,
    result: r.result,
    error: r.error,
    started_at: r.startedAt,
    ended_at: r.endedAt,
    actor_id: r.actorId,
    session_id: r.sessionId,
    attempt: r.attempt,
    idempotency_key: r.idempotencyKey,
    prev_hash: r.prevHash,
    record_hash: r.recordHash,
    signature: r.signature,
  };
}

class Reader {
  constructor(readonly d: JsonObject, readonly what: string, readonly source?: string) {}

  fail(field: string, expected: string): never {
    throw new CodecError(this.what, field, expected, this.source);
  }
  str(field: string): string {
    const v = this.d[field];
    return typeof v === 'string' ? v : this.fail(field, 'a string');
  }
  optStr(field: string): string | null {
    const v = this.d[field];
    if (v === undefined || v === null) return null;
    return typeof v === 'string' ? v : this.fail(field, 'a string or null');
  }
  optObj(field: string): JsonObject | null {
    const v = this.d[field];
    if (v === undefined || v === null) return null;
    return isJsonObject(v) ? v : this.fail(field, 'an object or null');
  }
}

export function decodeWaitState(d: JsonValue, source?: string): WaitState {
  if (!isJsonObject(d)) throw new CodecError('run', 'waiting', 'an object or null', source);
  const r: Reader = new Reader(d, 'waiting', source);
  const reason = d['reason'];
  if (!isWaitReason(reason)) r.fail('reason', 'one of event, until, user, job, subworkflow');
  const choices = d['choices'];
  if (choices !== undefined && choices !== null && !(Array.isArray(choices) && choices.every((c) => typeof c === 'string'))) {
    r.fail('choices', 'a list of strings or null');
  }
  const allow = d['allow_free_text'];
  return {
    reason,
    waitKey: r.optStr('wait_key'),
    until: r.optStr('until'),
    resumeToNode: r.optStr('resume_to_node'),
    resultKey: r.optStr('result_key'),
    prompt: r.optStr('prompt'),
    choices: (choices as string[] | null | undefined) ?? null,
    // Python: bool(data.get("allow_free_text", True)).
    allowFreeText: allow === undefined ? true : truthy(allow),
    details: r.optObj('details'),
  };
}

export function decodeRunState(d: JsonValue, source?: string): RunState {
  if (!isJsonObject(d)) throw new CodecError('run', '(root)', 'an object', source);
  const r: Reader = new Reader(d, 'run', source);
  const status = d['status'];
  if (!isRunStatus(status)) r.fail('status', 'one of running, waiting, completed, failed, cancelled');
  const vars = d['vars'];
  if (vars !== undefined && vars !== null && !isJsonObject(vars)) r.fail('vars', 'an object');
  return {
    runId: r.str('run_id'),
    workflowId: r.str('workflow_id'),
    status,
    currentNode: r.str('current_node'),
    vars: (vars as JsonObject | null | undefined) ?? {},
    waiting: d['waiting'] === null || d['waiting'] === undefined ? null : decodeWaitState(d['waiting'], source),
    output: r.optObj('output'),
    error: r.optStr('error'),
    createdAt: r.str('created_at'),
    updatedAt: r.str('updated_at'),
    actorId: r.optStr('actor_id'),
    sessionId: r.optStr('session_id'),
    parentRunId: r.optStr('parent_run_id'),
  };
}

function decodeRecordedEffect(d: JsonValue, source?: string): RecordedEffect {
  if (!isJsonObject(d)) throw new CodecError('ledger record', 'effect', 'an object or null', source);
  const r: Reader = new Reader(d, 'effect', source);
  return { type: r.str('type'), payload: r.optObj('payload') ?? {}, resultKey: r.optStr('result_key') };
}

export function decodeStepRecord(d: JsonValue, source?: string): StepRecord {
  if (!isJsonObject(d)) throw new CodecError('ledger record', '(root)', 'an object', source);
  const r: Reader = new Reader(d, 'ledger record', source);
  const status = d['status'];
  if (!isStepStatus(status)) r.fail('status', 'one of started, completed, waiting, failed');
  const attempt = d['attempt'] ?? 1;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt)) r.fail('attempt', 'an integer');
  return {
    runId: r.str('run_id'),
    stepId: r.str('step_id'),
    nodeId: r.str('node_id'),
    status,
    effect: d['effect'] === null || d['effect'] === undefined ? null : decodeRecordedEffect(d['effect'], source),
    result: r.optObj('result'),
    error: r.optStr('error'),
    startedAt: r.str('started_at'),
    endedAt: r.optStr('ended_at'),
    actorId: r.optStr('actor_id'),
    sessionId: r.optStr('session_id'),
    attempt,
    idempotencyKey: r.optStr('idempotency_key'),
    prevHash: r.optStr('prev_hash'),
    recordHash: r.optStr('record_hash'),
    signature: r.optStr('signature'),
  };
}

/** Python truthiness of a JSON value. */
export function truthy(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0 || v === 0n) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object' && isJsonObject(v)) return Object.keys(v).length > 0;
  if (typeof v === 'object') return Number(v) !== 0; // JsonNumber
  return true;
}
