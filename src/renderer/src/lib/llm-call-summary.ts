import { type LedgerRecord } from '../../../shared/contract';

/** What a person wants to see of an LLM call at a glance: what was asked, what came back, what it cost. */
export interface LlmCallSummary {
  system: string | null;
  /** The prompt, or the last user message when the call sent a conversation. */
  prompt: string | null;
  messageCount: number;
  answer: string | null;
  toolCalls: number;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number | null;
  /** ended − started of the record that holds the answer. */
  latencyMs: number | null;
  finishReason: string | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function parse(json: string | null): Obj | null {
  if (!json) return null;
  try {
    return obj(JSON.parse(json));
  } catch {
    return null;
  }
}

/** The summary of an `llm_call` record (its payload, and its result once completed), or null for other records. */
export function llmCallSummary(entry: LedgerRecord): LlmCallSummary | null {
  if (entry.effectType !== 'llm_call') return null;
  const payload = obj(parse(entry.effectJson)?.['payload']) ?? {};
  const messages = Array.isArray(payload['messages']) ? payload['messages'].map(obj).filter((m): m is Obj => m !== null) : [];
  const lastUser = [...messages].reverse().find((m) => m['role'] === 'user');
  const result = parse(entry.resultJson);
  const usage = obj(result?.['usage']) ?? {};
  const toolCalls = result?.['tool_calls'];
  return {
    system: str(payload['system_prompt']),
    prompt: str(payload['prompt']) || str(lastUser?.['content']),
    messageCount: messages.length,
    answer: str(result?.['content']),
    toolCalls: Array.isArray(toolCalls) ? toolCalls.length : 0,
    model: str(result?.['model']),
    promptTokens: num(usage['prompt_tokens']),
    completionTokens: num(usage['completion_tokens']),
    totalTokens: num(usage['total_tokens']),
    latencyMs: entry.status === 'started' ? null : entry.durationMs,
    finishReason: str(result?.['finish_reason']),
  };
}
