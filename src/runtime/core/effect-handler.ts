import { type Effect, type RunState } from './models';
import { type EffectOutcome } from './outcome';

export interface EffectHandlerContext {
  /** The runtime's clock, as an ISO timestamp in Python's format. */
  nowIso(): string;
  /** Aborted when the run is cancelled while the effect is in flight. */
  signal: AbortSignal;
}

/**
 * `handler(run, effect, defaultNextNode, ctx)`. The reference's legacy two-argument handlers need no
 * special case here: JavaScript functions ignore arguments they do not declare.
 */
export type EffectHandler = (
  run: RunState,
  effect: Effect,
  defaultNextNode: string | null,
  ctx: EffectHandlerContext,
) => EffectOutcome | Promise<EffectOutcome>;
