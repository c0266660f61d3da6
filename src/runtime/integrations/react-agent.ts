import { InvalidArgumentError } from '../errors';
import { EffectType } from '../core/enums';
import { type RunState, type StepPlan } from '../core/models';
import { WorkflowSpec } from '../core/spec';
import { ensureLimits, getContext, getTemp } from '../core/vars';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value';
import { assistantMessage, toolCallsFromLlmResult, toolResultMessages } from './llm/tool-call-format';
import { type ToolDefinition } from './tools/mapping-tool-executor';

export interface ReactAgentOptions {
  workflowId?: string;
  systemPrompt?: string;
  /** What the LLM may call. Execution is the runtime's ToolExecutor's business, never the workflow's. */
  tools?: readonly ToolDefinition[];
  /** Stop after this many LLM turns. Default: the run's `_limits.max_iterations` (25 unless configured). */
  maxIterations?: number;
  /** Sampling params for every call (`temperature`, `max_tokens`, …). */
  params?: JsonObject;
}

export const DEFAULT_REACT_SYSTEM_PROMPT =
  'You are a helpful assistant. Use the tools when they help; when you have the answer, reply without calling a tool.';

/** Where the agent keeps its state in `run.vars`, so hosts and the Studio can read it. */
export const REACT_VARS = {
  task: 'context.task',
  messages: 'context.messages',
  llm: '_temp.llm',
  toolResults: '_temp.tool_results',
  stopReason: '_temp.stop_reason',
} as const;

/**
 * A ReAct agent as a durable workflow: `init` → `reason` (LLM_CALL with the tools) → `act`
 * (TOOL_CALLS, when the answer asked for tools) → `observe` (tool results appended to the
 * conversation) → `reason` …, until the LLM answers without a tool call or the iteration limit is
 * reached. Each `reason` visit counts one iteration in `_limits.current_iteration` (the reference's
 * convention: the runtime stores limits, nodes enforce them).
 *
 * Input: `vars.context.task` (text) and/or `vars.context.messages` (an earlier conversation).
 * Output: `{answer, stop_reason: "answered" | "max_iterations", iterations}`.
 * Every step is a node boundary, so a run waiting for tool approval or a remote job survives a
 * restart and continues where it stopped.
 */
export function createReactAgent(options: ReactAgentOptions = {}): WorkflowSpec {
  const tools: JsonObject[] = (options.tools ?? []).map((t) => ({
    name: t.name,
    description: t.description ?? '',
    parameters: t.parameters ?? { type: 'object', properties: {} },
  }));
  const systemPrompt = options.systemPrompt ?? DEFAULT_REACT_SYSTEM_PROMPT;

  const init = (run: RunState): StepPlan => {
    const ctx = getContext(run.vars);
    const messages = Array.isArray(ctx['messages']) ? ctx['messages'] : (ctx['messages'] = []);
    if (typeof ctx['task'] === 'string' && ctx['task'] !== '') messages.push({ role: 'user', content: ctx['task'] });
    // Thrown from the tick (the reference's behaviour for a node error): the run stays at init, unchanged.
    if (messages.length === 0) throw new InvalidArgumentError('The ReAct agent needs vars.context.task (text) or vars.context.messages to start');
    return { nodeId: 'init', nextNode: 'reason' };
  };

  const reason = (run: RunState): StepPlan => {
    const limits = ensureLimits(run.vars);
    const max = options.maxIterations ?? (Number(limits['max_iterations'] ?? 25) || 25);
    const current = Number(limits['current_iteration'] ?? 0) || 0;
    if (current >= max) {
      getTemp(run.vars)['stop_reason'] = 'max_iterations';
      return { nodeId: 'reason', nextNode: 'finish' };
    }
    limits['current_iteration'] = current + 1;
    const payload: JsonObject = { messages: [...messagesOf(run)], system_prompt: systemPrompt };
    if (tools.length > 0) payload['tools'] = tools;
    if (options.params) payload['params'] = options.params;
    return { nodeId: 'reason', effect: { type: EffectType.LLM_CALL, payload, resultKey: REACT_VARS.llm }, nextNode: 'act' };
  };

  const act = (run: RunState): StepPlan => {
    const llm = getTemp(run.vars)['llm'];
    const calls = toolCallsFromLlmResult(llm);
    messagesOf(run).push(assistantMessage(llm, calls));
    if (calls.length === 0) {
      getTemp(run.vars)['stop_reason'] = 'answered';
      return { nodeId: 'act', nextNode: 'finish' };
    }
    return { nodeId: 'act', effect: { type: EffectType.TOOL_CALLS, payload: { tool_calls: calls }, resultKey: REACT_VARS.toolResults }, nextNode: 'observe' };
  };

  const observe = (run: RunState): StepPlan => {
    messagesOf(run).push(...toolResultMessages(getTemp(run.vars)['tool_results']));
    return { nodeId: 'observe', nextNode: 'reason' };
  };

  const finish = (run: RunState): StepPlan => {
    const temp = getTemp(run.vars);
    const llm = temp['llm'];
    const answer = isJsonObject(llm) && typeof llm['content'] === 'string' ? llm['content'] : null;
    const stopReason = (temp['stop_reason'] as JsonValue) ?? 'answered';
    const iterations = ensureLimits(run.vars)['current_iteration'] ?? 0;
    return { nodeId: 'finish', completeOutput: { answer, stop_reason: stopReason, iterations } };
  };

  return new WorkflowSpec({
    workflowId: options.workflowId ?? 'react_agent',
    entryNode: 'init',
    nodes: { init, reason, act, observe, finish },
    description: 'ReAct agent: reason with the LLM, act with tools, observe the results, until an answer.',
    graph: {
      nodes: {
        init: { kind: 'start', description: 'Adds the task to the conversation' },
        reason: { kind: 'effect', effectType: EffectType.LLM_CALL, description: 'Asks the LLM, offering the tools' },
        act: { kind: 'effect', effectType: EffectType.TOOL_CALLS, description: 'Runs the tools the LLM asked for' },
        observe: { kind: 'step', description: 'Adds the tool results to the conversation' },
        finish: { kind: 'terminal', description: 'Completes with the answer' },
      },
      edges: [
        { from: 'init', to: 'reason' },
        { from: 'reason', to: 'act' },
        { from: 'reason', to: 'finish', label: 'max iterations' },
        { from: 'act', to: 'observe', label: 'tool calls' },
        { from: 'act', to: 'finish', label: 'answer' },
        { from: 'observe', to: 'reason' },
      ],
    },
  });
}

function messagesOf(run: RunState): JsonValue[] {
  const ctx = getContext(run.vars);
  return Array.isArray(ctx['messages']) ? ctx['messages'] : (ctx['messages'] = []);
}
