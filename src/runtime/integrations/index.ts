/**
 * LLM and tool integrations: an OpenAI-compatible LLM client and the LLM_CALL handler, tool
 * executors (in-process, passthrough, approval, remote jobs) and the TOOL_CALLS handler, the
 * remote-job driver, runtime factories and a ReAct agent workflow (§9 of the reference).
 */
export * from './errors';
export { requestJson, openRequest, type FetchLike, type JsonRequestInit, type JsonResponse, type OpenedResponse } from './http/json-request';
export { jsonHeaderValue, textHeaderValue } from './http/header-values';

export * from './llm/llm-client';
export { buildChatBody, buildChatHeaders, PASSTHROUGH_PARAMS, type ToolFormat } from './llm/chat-request';
export { normalizeChatResponse, traceIdFromHeaders } from './llm/normalize-response';
export { RemoteLlmClient, type RemoteLlmClientOptions } from './llm/openai-compatible-client';
export { makeLlmCallHandler, paramsWithTrace, addTokenUsage, type LlmCallHandlerOptions } from './llm/llm-call-handler';
export { toolCallsFromLlmResult, assistantMessage, toolResultMessages } from './llm/tool-call-format';

export * from './tools/tool-executor';
export { toJsonable } from './tools/jsonable';
export { MappingToolExecutor, defineTool, type ToolDefinition, type ToolFunction } from './tools/mapping-tool-executor';
export { PassthroughToolExecutor } from './tools/passthrough-tool-executor';
export {
  ApprovalToolExecutor,
  executeApprovedToolCalls,
  toolCallKey,
  type RequiresApproval,
  type ToolCallDecision,
  type ToolCallDecisions,
} from './tools/approval-tool-executor';
export { ToolJobClient, type ToolJobClientOptions, type ToolJobStatus } from './tools/tool-job-client';
export { RemoteToolExecutor, type RemoteToolExecutorOptions } from './tools/remote-tool-executor';
export { makeToolCallsHandler, NO_TOOL_EXECUTOR_ERROR } from './tools/tool-calls-handler';
export { ToolJobDriver, completedPayload, failedPayload, type ToolJobDriverOptions, type ToolJobDriverStats } from './tools/tool-job-driver';

export {
  createRemoteRuntime,
  createHybridRuntime,
  createLocalRuntime,
  type RemoteRuntimeOptions,
  type HybridRuntimeOptions,
  type LocalRuntimeOptions,
} from './factories';
export { createRemoteFileRuntime, createLocalFileRuntime } from './file-factories';
export { createReactAgent, DEFAULT_REACT_SYSTEM_PROMPT, REACT_VARS, type ReactAgentOptions } from './react-agent';
