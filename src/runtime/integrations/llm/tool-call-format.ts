import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';

/**
 * Conversions between what an LLM answers and what the TOOL_CALLS effect takes. Servers differ:
 * OpenAI-compatible ones answer `{id, type: "function", function: {name, arguments: "<json>"}}`,
 * an AbstractCore server may answer `{name, arguments: {...}, call_id}`. Both are read.
 */

/** The calls of a normalised LLM result as TOOL_CALLS payload entries `{name, arguments, call_id}`. */
export function toolCallsFromLlmResult(result: JsonValue | undefined): JsonObject[] {
  const raw = isJsonObject(result) ? result['tool_calls'] : undefined;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry, i) => {
    if (!isJsonObject(entry)) return [];
    const fn = isJsonObject(entry['function']) ? entry['function'] : entry;
    const name = typeof fn['name'] === 'string' ? fn['name'] : '';
    const id = [entry['id'], entry['call_id']].find((v): v is string => typeof v === 'string' && v !== '');
    // The conversation pairs each tool answer with its call id, so a call without one gets one.
    return [{ name, arguments: parseArguments(fn['arguments']), call_id: id ?? `call_${i}` }];
  });
}

/**
 * Arguments arrive as a JSON text (OpenAI) or an object. Text that is not a JSON object is kept as
 * text: the mapping executor then reports "arguments must be a JSON object" to the model, which can
 * correct itself, instead of the tool running on made-up arguments.
 */
function parseArguments(v: JsonValue | undefined): JsonValue {
  if (v === undefined || v === null || v === '') return {};
  if (typeof v !== 'string') return v;
  try {
    const parsed = parseJson(v);
    return isJsonObject(parsed) ? parsed : v;
  } catch {
    return v;
  }
}

/** The assistant's turn as OpenAI-compatible servers expect it back in `messages`. */
export function assistantMessage(result: JsonValue | undefined, calls: readonly JsonObject[]): JsonObject {
  const content = isJsonObject(result) && typeof result['content'] === 'string' ? result['content'] : null;
  const message: JsonObject = { role: 'assistant', content: content ?? '' };
  if (calls.length > 0) {
    message['tool_calls'] = calls.map((c) => ({
      id: c['call_id'] as JsonValue,
      type: 'function',
      function: { name: c['name'] as JsonValue, arguments: typeof c['arguments'] === 'string' ? c['arguments'] : compact(c['arguments'] ?? {}) },
    }));
  }
  return message;
}

/** One `{role: "tool"}` message per executed result, in order. */
export function toolResultMessages(execution: JsonValue | undefined): JsonObject[] {
  const results = isJsonObject(execution) ? execution['results'] : undefined;
  if (!Array.isArray(results)) return [];
  return results.filter(isJsonObject).map((r) => ({
    role: 'tool',
    tool_call_id: typeof r['call_id'] === 'string' ? r['call_id'] : '',
    content: r['success'] === true ? asText(r['output'] ?? null) : `Error: ${String(r['error'] ?? 'the tool failed')}`,
  }));
}

const compact = (v: JsonValue): string => pyJsonDumps(v, { separators: [',', ':'] });
const asText = (v: JsonValue): string => (typeof v === 'string' ? v : compact(v));
