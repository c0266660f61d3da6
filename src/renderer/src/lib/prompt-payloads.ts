import { parse, stringify } from 'lossless-json';
import { describeJsonError } from './json-tree';

/**
 * The payloads the Studio resumes waiting runs with. An ask_user answer is `{"response": …}`,
 * as the reference's `respond(run_id, {"response": input})`.
 */
export function answerPayload(response: string): string {
  return JSON.stringify({ response });
}

type JsonObj = Record<string, unknown>;
const isObj = (v: unknown): v is JsonObj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The runtime's key of a tool call: its call id, or `#<index>` for a call without one. */
export function toolCallKey(call: unknown, index: number): string {
  const id = isObj(call) ? call['call_id'] : undefined;
  return typeof id === 'string' && id !== '' ? id : `#${index}`;
}

function parseCalls(text: string | null): unknown[] {
  const v = text ? parse(text) : [];
  if (!Array.isArray(v)) throw new Error('the tool calls must be a JSON list');
  return v;
}

/**
 * A decision on every call of an approval wait, in the shape the runtime's
 * `executeApprovedToolCalls` takes: `{"decisions": {key: {approved, arguments?, reason?}}}`.
 * Edited calls (same order, same keys) carry their new arguments; numbers keep their lexemes.
 */
export function approvalPayload(originalJson: string | null, editedJson: string | null): string {
  const original = parseCalls(originalJson);
  const edited = editedJson === null ? null : parseCalls(editedJson);
  if (edited && edited.length !== original.length) throw new Error(`keep the ${original.length} calls in place (edit their arguments only)`);
  const decisions: Record<string, JsonObj> = {};
  original.forEach((call, i) => {
    const d: JsonObj = { approved: true };
    const after = edited?.[i];
    if (after !== undefined && isObj(after) && stringify(after['arguments']) !== stringify(isObj(call) ? call['arguments'] : undefined)) {
      d['arguments'] = after['arguments'];
    }
    decisions[toolCallKey(call, i)] = d;
  });
  return stringify({ decisions }) ?? '{}';
}

export function rejectionPayload(originalJson: string | null, reason: string): string {
  const why = reason.trim() || 'Rejected in the Studio';
  const decisions: Record<string, JsonObj> = {};
  parseCalls(originalJson).forEach((call, i) => (decisions[toolCallKey(call, i)] = { approved: false, reason: why }));
  return stringify({ decisions }) ?? '{}';
}

/** Checks JSON typed by a person; the message says where the mistake is. */
export function checkJsonInput(text: string, what: string): string | null {
  if (!text.trim()) return `The ${what} is empty: type a JSON value, for example {"ok": true}.`;
  const err = describeJsonError(text);
  return err ? `The ${what} is not valid JSON (${err}). Fix it and try again.` : null;
}

/** Tool calls shown in the approval editor, indented for editing (numbers kept exactly). */
export function editableJson(text: string | null): string {
  if (!text) return '[]';
  try {
    return stringify(parse(text), null, 2) ?? text;
  } catch {
    return text;
  }
}
