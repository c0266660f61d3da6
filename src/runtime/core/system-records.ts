/**
 * Records the Python AbstractRuntime 0.4 writes that are not node steps: every `resume()`
 * appends one whose `effect.type` is the plain string "resume" (outside the effect enum), and
 * every run that ends gets an `emit_event` named `abstract.status`. Readers show them for what
 * they are; any other effect type, known or not, is shown raw by its type and payload.
 */
import { pyJsonDumps } from '../json/py-dumps';
import { isJsonObject, type JsonValue } from '../json/json-value';
import { type StepRecord } from './models';

export const RESUME_EFFECT = 'resume';
export const STATUS_EVENT = 'abstract.status';

const text = (v: JsonValue | undefined): string | null => (typeof v === 'string' ? v : null);

/** `resumed <wait key> with <payload>`, `run ended: completed`, or null for any other record. */
export function systemRecordText(rec: Pick<StepRecord, 'effect'>): string | null {
  const e = rec.effect;
  if (!e) return null;
  if (e.type === RESUME_EFFECT) {
    const key = text(e.payload['wait_key']);
    const answer = e.payload['payload'];
    return `resumed${key ? ` ${key}` : ''}${answer === undefined ? '' : ` with ${pyJsonDumps(answer)}`}`;
  }
  if (isStatusEvent(rec)) {
    const inner = e.payload['payload'];
    const status = isJsonObject(inner) ? text(inner['text']) : null;
    return `run ended: ${status ?? pyJsonDumps(inner ?? null)}`;
  }
  return null;
}

export function isStatusEvent(rec: Pick<StepRecord, 'effect'>): boolean {
  return rec.effect?.type === 'emit_event' && rec.effect.payload['name'] === STATUS_EVENT;
}
