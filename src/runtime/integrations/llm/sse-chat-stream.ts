import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { IntegrationError } from '../errors';
import { excerpt, openRequest, readBodyText, type FetchLike, type HttpErrorFactory } from '../http/json-request';
import { type ChatStreamDelta, type LlmResult } from './llm-client';
import { normalizeChatResponse, traceIdFromHeaders } from './normalize-response';

interface StreamInit {
  url: string;
  headers: Record<string, string>;
  body: JsonObject;
  timeoutMs: number;
  signal?: AbortSignal;
  fetch?: FetchLike;
  makeError: HttpErrorFactory;
  onDelta?: (delta: ChatStreamDelta) => void;
}

/** What the chunks add up to: the fields of a non-streamed answer. */
class Assembly {
  content: string | null = null;
  model: JsonValue = null;
  usage: JsonValue = null;
  finishReason: JsonValue = null;
  readonly calls: Array<{ id: string; name: string; arguments: string }> = [];
  chunks = 0;

  /** The non-streamed answer these chunks amount to, so one normaliser serves both. */
  toBody(): JsonObject {
    const message: JsonObject = { role: 'assistant', content: this.content };
    if (this.calls.length > 0) {
      message['tool_calls'] = this.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    }
    return { model: this.model, choices: [{ index: 0, message, finish_reason: this.finishReason }], usage: this.usage };
  }
}

/**
 * `POST` with `stream: true`, reading OpenAI-style server-sent events (`data: {chunk}` …
 * `data: [DONE]`). A server that ignores `stream` and answers plain JSON is handled too.
 */
export async function streamChatCompletion(init: StreamInit): Promise<LlmResult> {
  const { response, fail } = await openRequest({ ...init, method: 'POST', service: 'LLM server' });
  const traceId = traceIdFromHeaders(response.headers);
  const malformed = (why: string, text: string): Error =>
    init.makeError('malformed_response', `LLM server sent a stream event that is not a chat chunk (${why}): ${excerpt(text, 200)}`, { url: init.url, body_excerpt: excerpt(text) });
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('text/event-stream')) {
    const text = await readBodyText({ response, fail });
    try {
      return normalizeChatResponse(parseJson(text), traceId);
    } catch {
      throw malformed('neither an event stream nor JSON', text);
    }
  }
  const acc = new Assembly();
  try {
    for await (const data of sseData(response)) {
      if (data.trim() === '[DONE]') break;
      let chunk: JsonValue;
      try {
        chunk = parseJson(data);
      } catch (e) {
        throw malformed(e instanceof Error ? e.message : String(e), data);
      }
      if (isJsonObject(chunk) && chunk['error'] !== undefined) throw malformed('the server reported an error', data);
      applyChunk(acc, chunk, init.onDelta);
    }
  } catch (e) {
    // Our own errors pass through; anything else is the transport failing mid-stream.
    throw e instanceof IntegrationError ? e : fail(e);
  }
  if (acc.chunks === 0) throw malformed('the stream ended before any chunk', '');
  return normalizeChatResponse(acc.toBody(), traceId);
}

function applyChunk(acc: Assembly, chunk: JsonValue, onDelta: StreamInit['onDelta']): void {
  if (!isJsonObject(chunk)) return;
  acc.chunks++;
  if (acc.model === null && chunk['model'] !== undefined) acc.model = chunk['model'];
  if (chunk['usage'] !== undefined && chunk['usage'] !== null) acc.usage = chunk['usage'];
  const choice = Array.isArray(chunk['choices']) ? chunk['choices'][0] : undefined;
  if (!isJsonObject(choice)) return;
  if (choice['finish_reason'] !== undefined && choice['finish_reason'] !== null) acc.finishReason = choice['finish_reason'];
  const delta = choice['delta'];
  if (!isJsonObject(delta)) return;
  if (typeof delta['content'] === 'string') {
    acc.content = (acc.content ?? '') + delta['content'];
    onDelta?.({ content: delta['content'] });
  }
  if (Array.isArray(delta['tool_calls'])) for (const part of delta['tool_calls']) applyToolCallPart(acc, part, onDelta);
}

/** Tool calls arrive in pieces keyed by `index`: the id and name first, the arguments text in parts. */
function applyToolCallPart(acc: Assembly, part: JsonValue, onDelta: StreamInit['onDelta']): void {
  if (!isJsonObject(part)) return;
  const index = typeof part['index'] === 'number' ? part['index'] : acc.calls.length;
  const call = (acc.calls[index] ??= { id: '', name: '', arguments: '' });
  const fn = isJsonObject(part['function']) ? part['function'] : {};
  const id = typeof part['id'] === 'string' ? part['id'] : undefined;
  const name = typeof fn['name'] === 'string' ? fn['name'] : undefined;
  const args = typeof fn['arguments'] === 'string' ? fn['arguments'] : undefined;
  if (id) call.id = id;
  if (name) call.name += name;
  if (args) call.arguments += args;
  onDelta?.({ toolCall: { index, ...(id ? { id } : {}), ...(name ? { name } : {}), ...(args ? { arguments: args } : {}) } });
}

/** The `data` of each server-sent event (multi-line data joined with "\n"), as the SSE spec reads it. */
async function* sseData(response: Response): AsyncGenerator<string> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes as Uint8Array, { stream: true });
    let nl: number;
    while ((nl = buffer.search(/\r?\n|\r/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer[nl] === '\r' && buffer[nl + 1] === '\n' ? 2 : 1));
      if (line === '') {
        if (data.length > 0) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line[5] === ' ' ? 6 : 5));
      }
    }
  }
  buffer += decoder.decode();
  if (buffer.startsWith('data:')) data.push(buffer.slice(buffer[5] === ' ' ? 6 : 5));
  if (data.length > 0) yield data.join('\n');
}
