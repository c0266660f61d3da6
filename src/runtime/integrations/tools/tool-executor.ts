import { type JsonObject, type JsonValue } from '../../json/json-value';

/** A call as the TOOL_CALLS payload carries it: `{name, arguments, call_id?}`. */
export interface ToolCall {
  name: string;
  arguments: JsonObject;
  call_id?: string | null;
}

/** One entry of an `executed` result, the reference's 5 keys in order. */
export interface ToolResult {
  call_id: string;
  name: string;
  success: boolean;
  output: JsonValue;
  error: string | null;
}

/** What the TOOL_CALLS handler tells the executor about the call site. */
export interface ToolExecutionContext {
  runId: string;
  nodeId: string;
  actorId: string | null;
  sessionId: string | null;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
}

/**
 * Results are plain JSON, as in the reference:
 * - `{mode: "executed", results: ToolResult[]}`: the tools ran; the effect completes with it.
 * - `{mode: <other>, tool_calls, ...}`: someone else runs them (the host, a person, a worker); the
 *   run waits. `mode: "job"` also carries `job_id` and waits with reason `job`.
 */
export type ToolExecution = JsonObject;

export interface ToolExecutor {
  /** `tool_calls` are the payload's entries as given (the executor checks their shape). */
  execute(toolCalls: readonly JsonValue[], context: ToolExecutionContext): ToolExecution | Promise<ToolExecution>;
}

export function toolResult(call: { name: string; call_id: string }, outcome: { output: JsonValue } | { error: string }): JsonObject {
  return 'error' in outcome
    ? { call_id: call.call_id, name: call.name, success: false, output: null, error: outcome.error }
    : { call_id: call.call_id, name: call.name, success: true, output: outcome.output, error: null };
}
