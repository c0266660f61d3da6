import { cloneJson, isJsonObject, type JsonValue } from '../../json/json-value';
import { type LlmResult } from './llm-client';

/** The trace id header, matched case-insensitively as `Headers` does: AbstractCore's name first. */
export function traceIdFromHeaders(headers: Headers): string | null {
  return headers.get('x-abstractcore-trace-id') ?? headers.get('x-trace-id') ?? null;
}

/**
 * The reference's `_normalize_remote_response`: the first choice's message mapped to the 8 keys.
 * A JSON answer without that shape (no choices, an error object with status 200) is not an error
 * here either: it is kept whole in `data` with `content: null`, so nothing the server said is lost.
 */
export function normalizeChatResponse(body: JsonValue, traceId: string | null): LlmResult {
  const metadata = traceId ? { trace_id: traceId } : null;
  const choice = isJsonObject(body) && Array.isArray(body['choices']) ? body['choices'][0] : undefined;
  const message = isJsonObject(choice) ? choice['message'] : undefined;
  if (!isJsonObject(body) || !isJsonObject(choice) || !isJsonObject(message)) {
    return { content: null, data: body, tool_calls: null, usage: null, model: null, finish_reason: null, metadata, trace_id: traceId };
  }
  return {
    content: message['content'] ?? null,
    data: null,
    tool_calls: message['tool_calls'] === undefined ? null : cloneJson(message['tool_calls']),
    usage: body['usage'] ?? null,
    model: body['model'] ?? null,
    finish_reason: choice['finish_reason'] ?? null,
    metadata,
    trace_id: traceId,
  };
}
