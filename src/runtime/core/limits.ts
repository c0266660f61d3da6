import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value';
import { type RunState } from './models';

export interface LimitWarning {
  limitType: 'iterations' | 'tokens' | 'history';
  status: 'warning' | 'exceeded';
  current: number;
  maximum: number;
  pct: number;
}

export interface LimitStatus {
  iterations: { current: number; max: number; pct: number; warning: boolean };
  tokens: { estimatedUsed: number; max: number; pct: number; warning: boolean };
  history: { maxMessages: number };
}

/** Python's `round(x, 1)`: round half to even on the binary value, which toFixed approximates well enough for display. */
const round1 = (x: number): number => Math.round(x * 10) / 10;
const num = (v: JsonValue | undefined): number => (v === null || v === undefined ? 0 : Number(v));
/** Falsy values fall back to the default, as `x or default` does in Python. */
const orDefault = (v: JsonValue | undefined, d: number): number => num(v) || d;

export function limitWarning(limitType: LimitWarning['limitType'], status: LimitWarning['status'], current: number, maximum: number): LimitWarning {
  return { limitType, status, current, maximum, pct: maximum > 0 ? round1((current / maximum) * 100) : 0 };
}

function limitsOf(run: RunState): JsonObject {
  const l = run.vars['_limits'];
  return isJsonObject(l) ? l : {};
}

export function limitStatus(run: RunState): LimitStatus {
  const l = limitsOf(run);
  const curIt = num(l['current_iteration']);
  const maxIt = orDefault(l['max_iterations'], 25);
  const used = num(l['estimated_tokens_used']);
  const maxTok = orDefault(l['max_tokens'], 32768);
  const itPct = maxIt > 0 ? round1((curIt / maxIt) * 100) : 0;
  const tokPct = maxTok > 0 ? round1((used / maxTok) * 100) : 0;
  return {
    iterations: { current: curIt, max: maxIt, pct: itPct, warning: itPct >= orDefault(l['warn_iterations_pct'], 80) },
    tokens: { estimatedUsed: used, max: maxTok, pct: tokPct, warning: tokPct >= orDefault(l['warn_tokens_pct'], 80) },
    history: { maxMessages: l['max_history_messages'] === undefined || l['max_history_messages'] === null ? -1 : num(l['max_history_messages']) },
  };
}

export function checkLimits(run: RunState): LimitWarning[] {
  const l = limitsOf(run);
  const out: LimitWarning[] = [];
  const check = (type: 'iterations' | 'tokens', cur: number, max: number, warnPct: number): void => {
    if (max <= 0) return;
    if (cur >= max) out.push(limitWarning(type, 'exceeded', cur, max));
    else if ((cur / max) * 100 >= warnPct) out.push(limitWarning(type, 'warning', cur, max));
  };
  check('iterations', num(l['current_iteration']), orDefault(l['max_iterations'], 25), orDefault(l['warn_iterations_pct'], 80));
  const used = num(l['estimated_tokens_used']);
  if (used > 0) check('tokens', used, orDefault(l['max_tokens'], 32768), orDefault(l['warn_tokens_pct'], 80));
  return out;
}

export const ALLOWED_LIMIT_KEYS: ReadonlySet<string> = new Set([
  'max_iterations',
  'max_tokens',
  'max_output_tokens',
  'max_history_messages',
  'warn_iterations_pct',
  'warn_tokens_pct',
  'estimated_tokens_used',
  'current_iteration',
]);
