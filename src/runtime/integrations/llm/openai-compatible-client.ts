import { InvalidArgumentError } from '../../errors';
import { LlmRequestError, type HttpFailureKind } from '../errors';
import { requestJson, type FetchLike } from '../http/json-request';
import { buildChatBody, buildChatHeaders, type ToolFormat } from './chat-request';
import { type ChatStreamDelta, type LlmClient, type LlmGenerateRequest, type LlmResult } from './llm-client';
import { normalizeChatResponse, traceIdFromHeaders } from './normalize-response';
import { streamChatCompletion } from './sse-chat-stream';

export interface RemoteLlmClientOptions {
  /** The server root, e.g. `http://127.0.0.1:11434` (Ollama) or an AbstractCore server; without `/v1`. */
  serverBaseUrl: string;
  model: string;
  /** Whole-request timeout (connect, answer and body), seconds. Default 60, as the reference. */
  timeoutS?: number;
  /** Sent with every request (e.g. `Authorization`). Values must be ASCII. */
  headers?: Readonly<Record<string, string>>;
  /** Defaults to the platform fetch; tests and hosts may inject their own. */
  fetch?: FetchLike;
  /** Default `openai`; `as-given` reproduces the reference's request byte for byte. See `ToolFormat`. */
  toolFormat?: ToolFormat;
}

const makeLlmError = (kind: HttpFailureKind, message: string, details: Record<string, unknown>, cause?: unknown): Error =>
  new LlmRequestError(kind, message, details, { cause });

/**
 * `RemoteAbstractCoreLLMClient` of the reference, for any OpenAI-compatible server (AbstractCore,
 * Ollama, LM Studio, vLLM, OpenAI): `POST {base}/v1/chat/completions` with `stream: false`, the
 * trace headers, and the answer normalised to the 8 keys. Every failure throws an
 * `LlmRequestError` (HTTP status, network, timeout, cancelled, body not JSON), so the LLM_CALL
 * effect fails and the runtime's retry policy decides what happens next.
 */
export class RemoteLlmClient implements LlmClient {
  readonly serverBaseUrl: string;
  readonly model: string;
  readonly timeoutS: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly toolFormat: ToolFormat;
  private readonly fetchImpl: FetchLike | undefined;

  constructor(options: RemoteLlmClientOptions) {
    if (!options.serverBaseUrl) throw new InvalidArgumentError('RemoteLlmClient requires serverBaseUrl (e.g. http://127.0.0.1:11434)');
    if (!options.model) throw new InvalidArgumentError('RemoteLlmClient requires a model name');
    const timeoutS = options.timeoutS ?? 60;
    if (!(timeoutS > 0)) throw new InvalidArgumentError(`timeoutS must be a positive number of seconds, got ${timeoutS}`);
    this.serverBaseUrl = options.serverBaseUrl;
    this.model = options.model;
    this.timeoutS = timeoutS;
    this.headers = { ...(options.headers ?? {}) };
    this.toolFormat = options.toolFormat ?? 'openai';
    this.fetchImpl = options.fetch;
  }

  /** `{base.rstrip('/')}/v1/chat/completions`, as the reference builds it. */
  get url(): string {
    return `${this.serverBaseUrl.replace(/\/+$/, '')}/v1/chat/completions`;
  }

  async generate(request: LlmGenerateRequest): Promise<LlmResult> {
    const response = await requestJson({
      method: 'POST',
      url: this.url,
      headers: buildChatHeaders(this.headers, request.params),
      body: buildChatBody({ model: this.model, request, stream: false, toolFormat: this.toolFormat }),
      timeoutMs: this.timeoutS * 1000,
      signal: request.signal,
      fetch: this.fetchImpl,
      service: 'LLM server',
      makeError: makeLlmError,
    });
    return normalizeChatResponse(response.body, traceIdFromHeaders(response.headers));
  }

  /**
   * The same call with `stream: true` (server-sent events). `onDelta` sees the text and tool-call
   * fragments as they arrive; the promise resolves to the same normalised result `generate` gives,
   * assembled from the stream. The timeout covers the whole stream.
   */
  generateStream(request: LlmGenerateRequest, onDelta?: (delta: ChatStreamDelta) => void): Promise<LlmResult> {
    return streamChatCompletion({
      url: this.url,
      headers: buildChatHeaders(this.headers, request.params),
      body: buildChatBody({ model: this.model, request, stream: true, toolFormat: this.toolFormat }),
      timeoutMs: this.timeoutS * 1000,
      signal: request.signal,
      fetch: this.fetchImpl,
      makeError: makeLlmError,
      onDelta,
    });
  }
}
