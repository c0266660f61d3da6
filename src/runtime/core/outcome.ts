import { type JsonObject } from '../json/json-value';
import { type WaitState } from './models';

/** What an effect handler returns. */
export type EffectOutcome =
  | { readonly status: 'completed'; readonly result: JsonObject | null; readonly wait: null; readonly error: null }
  | { readonly status: 'waiting'; readonly result: null; readonly wait: WaitState; readonly error: null }
  | { readonly status: 'failed'; readonly result: null; readonly wait: null; readonly error: string | null };

export const EffectOutcome = {
  completed(result: JsonObject | null): EffectOutcome {
    return { status: 'completed', result, wait: null, error: null };
  },
  waiting(wait: WaitState): EffectOutcome {
    return { status: 'waiting', result: null, wait, error: null };
  },
  failed(error: string | null): EffectOutcome {
    return { status: 'failed', result: null, wait: null, error };
  },
} as const;
