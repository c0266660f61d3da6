import { assertJsonValue, isJsonObject } from '../json/json-value';
import { type EffectHandler } from './effect-handler';
import { type Effect, type RunState, type StepRecord } from './models';
import { EffectOutcome } from './outcome';
import { type EffectPolicy } from './policy';
import { finishFailure, finishSuccess, finishWaiting, startRecord } from './step-records';

export interface EffectExecutorDeps {
  handlers: ReadonlyMap<string, EffectHandler>;
  policy: () => EffectPolicy;
  nowIso: () => string;
  newId: () => string;
  sleep: (seconds: number) => Promise<void>;
  /** Makes records durable on their own (the `started` marker, and failed attempts before a retry). */
  commit: (records: StepRecord[]) => Promise<void>;
  /**
   * Commit each `started` record before calling the handler (write-ahead), as the reference
   * appends it. When false, an attempt's `started` record is committed together with its outcome
   * (one commit per step): cheaper, but an attempt cut short by a crash leaves no trace.
   */
  writeAhead: () => boolean;
}

/**
 * `_execute_effect_with_retry` of the reference: per attempt a `started` record, the handler, then a
 * `completed` / `waiting` / `failed` record with the same step id. Waiting is never retried. The
 * final record is returned as `pending`, so the runtime commits it together with the new state.
 */
export class EffectExecutor {
  constructor(private readonly deps: EffectExecutorDeps) {}

  async execute(
    run: RunState,
    nodeId: string,
    effect: Effect,
    defaultNext: string | null,
    key: string,
    signal: AbortSignal,
  ): Promise<{ outcome: EffectOutcome; pending: StepRecord[] }> {
    const max = Math.max(1, this.deps.policy().maxAttempts(effect));
    let lastError = 'unknown error';
    for (let attempt = 1; attempt <= max; attempt++) {
      const rec = startRecord({ run, nodeId, effect, attempt, idempotencyKey: key, stepId: this.deps.newId(), startedAt: this.deps.nowIso() });
      const writeAhead = this.deps.writeAhead();
      if (writeAhead) await this.deps.commit([rec]);
      const head = writeAhead ? [] : [rec];
      const outcome = await this.callHandler(run, effect, defaultNext, signal);
      if (outcome.status === 'completed') return { outcome, pending: [...head, finishSuccess(rec, outcome.result, this.deps.nowIso())] };
      if (outcome.status === 'waiting') return { outcome, pending: [...head, finishWaiting(rec, outcome.wait, this.deps.nowIso())] };
      lastError = outcome.error || 'unknown error';
      const failed = finishFailure(rec, lastError, this.deps.nowIso());
      if (attempt === max || signal.aborted) {
        return { outcome: EffectOutcome.failed(`Effect failed after ${attempt} attempts: ${lastError}`), pending: [...head, failed] };
      }
      await this.deps.commit([...head, failed]);
      const backoff = this.deps.policy().backoffSeconds({ effect, attempt });
      if (backoff > 0) await this.deps.sleep(backoff);
    }
    return { outcome: EffectOutcome.failed(`Effect failed after ${max} attempts: ${lastError}`), pending: [] };
  }

  private async callHandler(run: RunState, effect: Effect, defaultNext: string | null, signal: AbortSignal): Promise<EffectOutcome> {
    const handler = this.deps.handlers.get(effect.type);
    if (!handler) return EffectOutcome.failed(`No effect handler registered for ${effect.type}`);
    let outcome: EffectOutcome;
    try {
      outcome = await handler(run, { ...effect, payload: effect.payload ?? {}, resultKey: effect.resultKey ?? null }, defaultNext, {
        nowIso: this.deps.nowIso,
        signal,
      });
    } catch (e) {
      return EffectOutcome.failed(`Effect handler raised exception: ${e instanceof Error ? e.message : String(e)}`);
    }
    return validateOutcome(outcome, effect.type);
  }
}

const OUTCOME_STATUSES: ReadonlySet<string> = new Set(['completed', 'waiting', 'failed']);

/** A handler that returns something the ledger cannot hold fails the effect clearly instead of crashing the save. */
function validateOutcome(outcome: EffectOutcome, type: string): EffectOutcome {
  if (!outcome || typeof outcome !== 'object' || !OUTCOME_STATUSES.has(outcome.status)) {
    return EffectOutcome.failed(`Effect handler for ${type} returned an invalid outcome; return EffectOutcome.completed/waiting/failed`);
  }
  if (outcome.status !== 'completed') return outcome;
  try {
    if (outcome.result !== null && !isJsonObject(outcome.result)) throw new Error('the result must be a JSON object or null');
    assertJsonValue(outcome.result, `result of ${type}`);
  } catch (e) {
    return EffectOutcome.failed(`Effect handler for ${type} returned a result that is not JSON-serialisable: ${(e as Error).message}`);
  }
  return outcome;
}
