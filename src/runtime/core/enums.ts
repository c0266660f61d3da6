/** Enum values are exactly the Python reference's string values; they are what gets stored and hashed. */
export const RunStatus = {
  RUNNING: 'running',
  WAITING: 'waiting',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const WaitReason = {
  EVENT: 'event',
  UNTIL: 'until',
  USER: 'user',
  JOB: 'job',
  SUBWORKFLOW: 'subworkflow',
} as const;
export type WaitReason = (typeof WaitReason)[keyof typeof WaitReason];

export const EffectType = {
  WAIT_EVENT: 'wait_event',
  WAIT_UNTIL: 'wait_until',
  ASK_USER: 'ask_user',
  LLM_CALL: 'llm_call',
  TOOL_CALLS: 'tool_calls',
  START_SUBWORKFLOW: 'start_subworkflow',
} as const;
export type EffectType = (typeof EffectType)[keyof typeof EffectType];

export const StepStatus = {
  STARTED: 'started',
  COMPLETED: 'completed',
  WAITING: 'waiting',
  FAILED: 'failed',
} as const;
export type StepStatus = (typeof StepStatus)[keyof typeof StepStatus];

const values = <T extends Record<string, string>>(o: T): ReadonlySet<string> => new Set(Object.values(o));
const RUN_STATUSES = values(RunStatus);
const WAIT_REASONS = values(WaitReason);
const EFFECT_TYPES = values(EffectType);
const STEP_STATUSES = values(StepStatus);

export const isRunStatus = (v: unknown): v is RunStatus => typeof v === 'string' && RUN_STATUSES.has(v);
export const isWaitReason = (v: unknown): v is WaitReason => typeof v === 'string' && WAIT_REASONS.has(v);
export const isEffectType = (v: unknown): v is EffectType => typeof v === 'string' && EFFECT_TYPES.has(v);
export const isStepStatus = (v: unknown): v is StepStatus => typeof v === 'string' && STEP_STATUSES.has(v);

/** A run in one of these states is never advanced by `tick` (the reference forgot CANCELLED; we do not). */
export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set([RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED]);
