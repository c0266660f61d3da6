import { truthy } from '../../core/codecs';
import { type EffectHandler } from '../../core/effect-handler';
import { type RunState } from '../../core/models';
import { EffectOutcome } from '../../core/outcome';
import { JsonNumber } from '../../json/json-number';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { pyJsonDumps } from '../../json/py-dumps';
import { type ChatStreamDelta, type LlmClient, type LlmGenerateRequest, type LlmResult } from './llm-client';

export interface LlmCallHandlerOptions {
  /**
   * Add each answer's `usage.total_tokens` to `vars._limits.estimated_tokens_used` (the reference's
   * planned item 017; 0.2.0 leaves the counter at 0). Default true; false reproduces 0.2.0's vars.
   */
  recordTokenUsage?: boolean;
  /**
   * When given and the client can stream, calls are streamed and each fragment is reported here
   * (a live view of the answer). The stored result is the same as without streaming.
   */
  onDelta?: (delta: ChatStreamDelta, call: { runId: string; nodeId: string }) => void;
}

/**
 * `make_llm_call_handler(llm)` of §9.1. The payload (`prompt` or `messages`, `system_prompt`,
 * `tools`, `params`) is read, never changed: the ledger keeps the payload as the node wrote it,
 * while the client receives a copy of `params` with the run's `trace_metadata` merged in.
 *
 * A client failure is returned as a failed outcome carrying the error's message (what the
 * reference records, e.g. "LLM server answered HTTP 500 …"), so the retry policy applies.
 */
export function makeLlmCallHandler(client: LlmClient, options: LlmCallHandlerOptions = {}): EffectHandler {
  const recordTokens = options.recordTokenUsage ?? true;
  return async (run, effect, _next, ctx) => {
    const payload = effect.payload ?? {};
    const prompt = payload['prompt'];
    const messages = payload['messages'];
    if (!truthy(prompt) && !truthy(messages)) return EffectOutcome.failed('llm_call requires payload.prompt or payload.messages');
    if (truthy(messages) && !Array.isArray(messages)) return EffectOutcome.failed('llm_call payload.messages must be a list of messages');
    const request = buildRequest(payload, run, ctx.signal);
    let result: LlmResult;
    try {
      const onDelta = options.onDelta;
      const call = { runId: run.runId, nodeId: run.currentNode };
      result =
        onDelta && client.generateStream
          ? await client.generateStream(request, (delta) => quietly(() => onDelta(delta, call)))
          : await client.generate(request);
    } catch (e) {
      return EffectOutcome.failed(e instanceof Error ? e.message : String(e));
    }
    // The handler holds the live run: the runtime saves these vars with the step that completes.
    if (recordTokens) addTokenUsage(run, result);
    return EffectOutcome.completed(result);
  };
}

function buildRequest(payload: JsonObject, run: RunState, signal: AbortSignal): LlmGenerateRequest {
  const messages = payload['messages'];
  const tools = payload['tools'];
  return {
    prompt: asText(payload['prompt']),
    messages: truthy(messages) ? (messages as JsonValue[]) : null,
    systemPrompt: truthy(payload['system_prompt']) ? asText(payload['system_prompt']) : null,
    tools: Array.isArray(tools) ? tools : null,
    params: paramsWithTrace(payload['params'], run),
    signal,
  };
}

/** A live-view listener that throws must not fail the LLM call. */
function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // ignored on purpose
  }
}

/** `str(prompt or "")`: text as is, other JSON as its text. */
function asText(v: JsonValue | undefined): string {
  if (!truthy(v)) return '';
  return typeof v === 'string' ? v : pyJsonDumps(v as JsonValue);
}

/**
 * A copy of `params` whose `trace_metadata` (a copy too) carries the run's ids, each only when
 * set. Ids the node put there itself are kept unless the run has its own value for them.
 */
export function paramsWithTrace(params: JsonValue | undefined, run: RunState): JsonObject {
  const copy: JsonObject = isJsonObject(params) ? { ...params } : {};
  const existing = copy['trace_metadata'];
  const trace: JsonObject = isJsonObject(existing) ? { ...existing } : {};
  trace['run_id'] = run.runId;
  if (run.actorId) trace['actor_id'] = run.actorId;
  if (run.sessionId) trace['session_id'] = run.sessionId;
  if (run.parentRunId) trace['parent_run_id'] = run.parentRunId;
  copy['trace_metadata'] = trace;
  return copy;
}

/** `_limits.estimated_tokens_used += usage.total_tokens`, when both are there. */
export function addTokenUsage(run: RunState, result: LlmResult): void {
  const usage = result['usage'];
  const limits = run.vars['_limits'];
  if (!isJsonObject(usage) || !isJsonObject(limits)) return;
  const raw = usage['total_tokens'];
  // Only a number counts: a string or an object is not a token count we can trust.
  if (typeof raw !== 'number' && typeof raw !== 'bigint' && !(raw instanceof JsonNumber)) return;
  const total = Number(raw);
  if (!Number.isFinite(total)) return;
  const used = Number(limits['estimated_tokens_used'] ?? 0);
  limits['estimated_tokens_used'] = (Number.isFinite(used) ? used : 0) + total;
}
