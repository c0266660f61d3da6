import { type JsonObject, type JsonValue } from '../../json/json-value';
import { ToolJobClient, type ToolJobClientOptions } from './tool-job-client';
import { type ToolExecution, type ToolExecutionContext, type ToolExecutor } from './tool-executor';

export interface RemoteToolExecutorOptions extends ToolJobClientOptions {
  /** Extra metadata sent with every job (merged after the call site's node, actor and session). */
  metadata?: JsonObject;
}

/**
 * `RemoteToolExecutor` of planned item 014: submits the calls to a tool worker as a job and
 * answers `{mode: "job", job_id, tool_calls}`, so the run waits with reason `job` and wait key
 * = the job id until a `ToolJobDriver` sees the job finish and resumes it.
 *
 * A failed submission throws (the effect fails and the retry policy applies). A retry after a
 * lost answer may submit the same calls twice; workers should treat jobs as at-least-once.
 */
export class RemoteToolExecutor implements ToolExecutor {
  readonly client: ToolJobClient;
  private readonly metadata: JsonObject;

  constructor(options: RemoteToolExecutorOptions) {
    this.client = new ToolJobClient(options);
    this.metadata = { ...(options.metadata ?? {}) };
  }

  async execute(toolCalls: readonly JsonValue[], context: ToolExecutionContext): Promise<ToolExecution> {
    const metadata: JsonObject = { node_id: context.nodeId };
    if (context.actorId) metadata['actor_id'] = context.actorId;
    if (context.sessionId) metadata['session_id'] = context.sessionId;
    Object.assign(metadata, this.metadata);
    const jobId = await this.client.submit({ runId: context.runId, toolCalls, metadata }, context.signal);
    return { mode: 'job', job_id: jobId, tool_calls: [...toolCalls] };
  }
}
