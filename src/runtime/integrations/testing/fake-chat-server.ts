/** A chat-completions server for the tests: queued answers, recorded requests (not exported). */
import { type JsonObject } from '../../json/json-value';
import { LocalHttpServer, type RecordedRequest, type Reply } from './local-http-server';

export type Scripted = Reply | ((req: RecordedRequest) => Reply);

export interface FakeChatServer {
  server: LocalHttpServer;
  baseUrl: string;
  requests: RecordedRequest[];
  /** Answers in order; when they run out, `fallback`. */
  enqueue(...replies: Scripted[]): void;
  /** Forget queued answers and recorded requests (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeChatServer(fallback: Scripted = { body: chatAnswer('default answer') }): Promise<FakeChatServer> {
  const queue: Scripted[] = [];
  const server = await LocalHttpServer.start((req) => {
    if (req.method !== 'POST' || req.path !== '/v1/chat/completions') return { status: 404, body: { error: `no route ${req.method} ${req.path}` } };
    const next = queue.shift() ?? fallback;
    return typeof next === 'function' ? next(req) : next;
  });
  return {
    server,
    baseUrl: server.baseUrl,
    requests: server.requests,
    enqueue: (...replies) => void queue.push(...replies),
    reset: () => {
      queue.length = 0;
      server.requests.length = 0;
    },
    close: () => server.close(),
  };
}

/** An OpenAI chat-completions answer. */
export function chatAnswer(
  content: string | null,
  extra: { toolCalls?: JsonObject[]; usage?: JsonObject; model?: string; finishReason?: string } = {},
): JsonObject {
  const message: JsonObject = { role: 'assistant', content };
  if (extra.toolCalls) message['tool_calls'] = extra.toolCalls;
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    model: extra.model ?? 'test-model',
    choices: [{ index: 0, message, finish_reason: extra.finishReason ?? (extra.toolCalls ? 'tool_calls' : 'stop') }],
    usage: extra.usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/** One OpenAI tool call, arguments as JSON text as OpenAI sends them. */
export function openAiToolCall(id: string, name: string, args: JsonObject): JsonObject {
  return { id, type: 'function', function: { name, arguments: JSON.stringify(args) } };
}
