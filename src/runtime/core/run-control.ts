/**
 * The pause mark of the Python AbstractRuntime 0.4: `pause_run` keeps the run `waiting` and writes
 * `vars._runtime.control = {paused: true, paused_at, pause_reason}`. Read so a paused run of a
 * Python data folder or SQLite store shows as paused, not as merely waiting.
 */
import { type RunState } from './models';
import { isJsonObject, type JsonValue } from '../json/json-value';

export interface RunPause {
  pausedAt: string | null;
  reason: string | null;
}

const text = (v: JsonValue | undefined): string | null => (typeof v === 'string' ? v : null);

/** The run's pause mark, or null when it is not paused. */
export function pauseOf(run: RunState): RunPause | null {
  const runtime = run.vars['_runtime'];
  const control = isJsonObject(runtime) ? runtime['control'] : undefined;
  if (!isJsonObject(control) || control['paused'] !== true) return null;
  return { pausedAt: text(control['paused_at']), reason: text(control['pause_reason']) };
}
