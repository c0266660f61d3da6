import { canonicalJson, quotePyString, toEnsureAscii } from '../json/py-dumps';
import { keptFrozenPayloadText, sha256Hex } from '../ledger/record-hash';
import { type Effect, type RunState } from './models';

/** Retry and idempotency policy, as the reference's `EffectPolicy` protocol. */
export interface EffectPolicy {
  maxAttempts(effect: Effect): number;
  /** Seconds to wait after failed attempt `attempt` before the next one. */
  backoffSeconds(args: { effect: Effect; attempt: number }): number;
  idempotencyKey(args: { run: RunState; nodeId: string; effect: Effect }): string;
}

/**
 * `compute_idempotency_key`: sha256 of `json.dumps({run_id, node_id, effect_type, effect_payload},
 * sort_keys=True, separators=(",", ":"))` with Python's default `ensure_ascii=True`, first 32 hex
 * characters. `resultKey` is not part of it.
 */
export function computeIdempotencyKey(args: { runId: string; nodeId: string; effect: Effect }): string {
  const payload = args.effect.payload ?? {};
  const kept = keptFrozenPayloadText(payload);
  if (kept === null) {
    return sha256Hex(canonicalJson({ run_id: args.runId, node_id: args.nodeId, effect_type: args.effect.type, effect_payload: payload }, { ensureAscii: true })).slice(0, 32);
  }
  // A deep-frozen payload: its canonical text (kept for the step's records) in the four keys'
  // sorted order, made ensure_ascii by escaping in place (a property test keeps this equal to
  // the ensure_ascii writer). Only here: for other payloads the writer's own ensure_ascii pass
  // measured cheaper than writing the canonical text and escaping it (large payloads).
  const text = `{"effect_payload":${kept},"effect_type":${quotePyString(args.effect.type, false)},"node_id":${quotePyString(args.nodeId, false)},"run_id":${quotePyString(args.runId, false)}}`;
  return sha256Hex(toEnsureAscii(text)).slice(0, 32);
}

export interface DefaultEffectPolicyInit {
  defaultMaxAttempts?: number;
  defaultBackoffBase?: number;
  defaultBackoffMax?: number;
  /** Keyed by effect type value, e.g. `{ llm_call: 3 }`. */
  effectMaxAttempts?: Record<string, number>;
}

export class DefaultEffectPolicy implements EffectPolicy {
  readonly defaultMaxAttempts: number;
  readonly defaultBackoffBase: number;
  readonly defaultBackoffMax: number;
  readonly effectMaxAttempts: Readonly<Record<string, number>>;

  constructor(init: DefaultEffectPolicyInit = {}) {
    this.defaultMaxAttempts = init.defaultMaxAttempts ?? 1;
    this.defaultBackoffBase = init.defaultBackoffBase ?? 1.0;
    this.defaultBackoffMax = init.defaultBackoffMax ?? 60.0;
    this.effectMaxAttempts = { ...(init.effectMaxAttempts ?? {}) };
  }

  maxAttempts(effect: Effect): number {
    return this.effectMaxAttempts[effect.type] ?? this.defaultMaxAttempts;
  }

  /** `min(base * 2**(attempt-1), max)`: 1, 2, 4, 8, … */
  backoffSeconds(args: { effect: Effect; attempt: number }): number {
    return Math.min(this.defaultBackoffBase * 2 ** (args.attempt - 1), this.defaultBackoffMax);
  }

  idempotencyKey(args: { run: RunState; nodeId: string; effect: Effect }): string {
    return computeIdempotencyKey({ runId: args.run.runId, nodeId: args.nodeId, effect: args.effect });
  }
}

/** LLM calls 3 attempts, tool calls 2, everything else 1; backoff capped at 30 s. */
export class RetryPolicy extends DefaultEffectPolicy {
  constructor(init: { llmMaxAttempts?: number; toolMaxAttempts?: number; backoffBase?: number; backoffMax?: number } = {}) {
    super({
      defaultMaxAttempts: 1,
      defaultBackoffBase: init.backoffBase ?? 1.0,
      defaultBackoffMax: init.backoffMax ?? 30.0,
      effectMaxAttempts: { llm_call: init.llmMaxAttempts ?? 3, tool_calls: init.toolMaxAttempts ?? 2 },
    });
  }
}

export class NoRetryPolicy extends DefaultEffectPolicy {
  constructor() {
    super({ defaultMaxAttempts: 1 });
  }
}
