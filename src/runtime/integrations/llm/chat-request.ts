import { truthy } from '../../core/codecs';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { jsonHeaderValue, textHeaderValue } from '../http/header-values';
import { type LlmGenerateRequest } from './llm-client';

/** The only params sent to the server (when not null); the reference drops every other one silently. */
export const PASSTHROUGH_PARAMS = ['temperature', 'max_tokens', 'stop', 'seed', 'frequency_penalty', 'presence_penalty'] as const;

/**
 * `as-given` sends `tools` exactly as in the payload (the reference). `openai` wraps the
 * reference's `{name, description, parameters}` definitions as `{type: "function", function: {...}}`,
 * which OpenAI, Ollama, LM Studio and vLLM require; definitions already in that form pass unchanged.
 */
export type ToolFormat = 'openai' | 'as-given';

/** The chat-completions body of §9.2, keys in the reference's order. */
export function buildChatBody(args: { model: string; request: LlmGenerateRequest; stream: boolean; toolFormat: ToolFormat }): JsonObject {
  const { request } = args;
  const params = request.params ?? {};
  const messages: JsonValue[] = [];
  if (request.systemPrompt) messages.push({ role: 'system', content: request.systemPrompt });
  if (request.messages) messages.push(...request.messages);
  else messages.push({ role: 'user', content: request.prompt });
  const body: JsonObject = { model: args.model, messages, stream: args.stream };
  // Dynamic routing: an AbstractCore server forwards the call to this provider URL.
  if (truthy(params['base_url'])) body['base_url'] = params['base_url'] as JsonValue;
  for (const key of PASSTHROUGH_PARAMS) {
    const v = params[key];
    if (v !== undefined && v !== null) body[key] = v;
  }
  if (request.tools !== undefined && request.tools !== null) body['tools'] = args.toolFormat === 'openai' ? request.tools.map(toOpenAiTool) : request.tools;
  return body;
}

function toOpenAiTool(tool: JsonValue): JsonValue {
  if (!isJsonObject(tool) || 'type' in tool || typeof tool['name'] !== 'string') return tool;
  const fn: JsonObject = { name: tool['name'] };
  if (tool['description'] !== undefined) fn['description'] = tool['description'];
  fn['parameters'] = tool['parameters'] ?? { type: 'object', properties: {} };
  return { type: 'function', function: fn };
}

const TRACE_ID_HEADERS: ReadonlyArray<[string, string]> = [
  ['actor_id', 'X-AbstractCore-Actor-Id'],
  ['session_id', 'X-AbstractCore-Session-Id'],
  ['run_id', 'X-AbstractCore-Run-Id'],
  ['parent_run_id', 'X-AbstractCore-Parent-Run-Id'],
];

/**
 * Configured headers plus the trace headers, in the reference's order, when `params.trace_metadata`
 * is a non-empty object. The metadata header is always the run's; an id header that is already
 * configured (any case) is left alone, as in the reference.
 */
export function buildChatHeaders(configured: Readonly<Record<string, string>>, params: JsonObject | undefined): Record<string, string> {
  const headers: Record<string, string> = { ...configured };
  const meta = params?.['trace_metadata'];
  if (!isJsonObject(meta) || Object.keys(meta).length === 0) return headers;
  const present = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  const add = (name: string, value: string): void => {
    if (present.has(name.toLowerCase())) return;
    headers[name] = value;
    present.add(name.toLowerCase());
  };
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'x-abstractcore-trace-metadata') delete headers[name];
  headers['X-AbstractCore-Trace-Metadata'] = jsonHeaderValue(meta);
  for (const [key, header] of TRACE_ID_HEADERS) {
    const v = meta[key];
    if (v !== undefined && v !== null) add(header, textHeaderValue(typeof v === 'string' ? v : String(v)));
  }
  return headers;
}
