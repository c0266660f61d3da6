import { type JsonObject, type JsonValue } from '../../json/json-value';

/** What the LLM_CALL handler asks of a client; the fields of the reference's `generate(...)`. */
export interface LlmGenerateRequest {
  prompt: string;
  /** OpenAI-style messages; when given they replace the prompt. */
  messages?: JsonValue[] | null;
  systemPrompt?: string | null;
  /** Tool definitions, `{name, description, parameters}` or already in OpenAI form. */
  tools?: JsonValue[] | null;
  /** Sampling params, `base_url` and `trace_metadata`; see `buildChatRequest`. */
  params?: JsonObject;
  /** Aborted when the run is cancelled. */
  signal?: AbortSignal;
}

/**
 * The normalised result, with the reference's 8 keys in its order:
 * `content, data, tool_calls, usage, model, finish_reason, metadata, trace_id`.
 */
export type LlmResult = JsonObject;

export const LLM_RESULT_KEYS = ['content', 'data', 'tool_calls', 'usage', 'model', 'finish_reason', 'metadata', 'trace_id'] as const;

/** One fragment of a streamed answer, as it arrives. */
export interface ChatStreamDelta {
  content?: string;
  /** Index of the tool call this fragment extends, with the fragment of its name or arguments. */
  toolCall?: { index: number; id?: string; name?: string; arguments?: string };
}

/** Anything that can answer an LLM call: the OpenAI-compatible client, a test double, an in-process model. */
export interface LlmClient {
  generate(request: LlmGenerateRequest): Promise<LlmResult>;
  /** Optional: the same call streamed; resolves to the same result `generate` would give. */
  generateStream?(request: LlmGenerateRequest, onDelta?: (delta: ChatStreamDelta) => void): Promise<LlmResult>;
}
