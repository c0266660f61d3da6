import { truthy } from '../../core/codecs';
import { type EffectHandler } from '../../core/effect-handler';
import { WaitReason } from '../../core/enums';
import { waitState } from '../../core/models';
import { EffectOutcome } from '../../core/outcome';
import { type JsonObject, type JsonValue } from '../../json/json-value';
import { type ToolExecution, type ToolExecutor } from './tool-executor';

export const NO_TOOL_EXECUTOR_ERROR =
  'TOOL_CALLS requires a ToolExecutor; configure Runtime with MappingToolExecutor/AbstractCoreToolExecutor/PassthroughToolExecutor.';

/**
 * The TOOL_CALLS handler of §9.4. The executor either ran the calls (`mode: "executed"`, or no mode):
 * the effect completes with its result; or it handed them to someone else and the run waits:
 * - `mode: "job"` (a remote worker): reason `job`, wait key = the job id, so a job driver can find
 *   and resume the run; details `{mode, job_id, tool_calls}`;
 * - any other mode (`passthrough`, `approval`, …): reason `event`, wait key `payload.wait_key` or
 *   `tool_calls:<run_id>:<node>`, details `{mode, …, tool_calls}`. Keys the executor adds besides
 *   `mode` and `tool_calls` (e.g. which calls need approval) go into details too; the reference's
 *   executors add none.
 * Either way the run resumes at `payload.resume_to_node` or the node's next node, with the resume
 * payload stored at the effect's result key.
 */
export function makeToolCallsHandler(executor: ToolExecutor | null | undefined): EffectHandler {
  return async (run, effect, defaultNext, ctx) => {
    const payload = effect.payload ?? {};
    const toolCalls = payload['tool_calls'];
    if (!Array.isArray(toolCalls)) return EffectOutcome.failed('tool_calls requires payload.tool_calls (list)');
    if (!executor) return EffectOutcome.failed(NO_TOOL_EXECUTOR_ERROR);
    let result: ToolExecution;
    try {
      result = await executor.execute(toolCalls, {
        runId: run.runId,
        nodeId: run.currentNode,
        actorId: run.actorId,
        sessionId: run.sessionId,
        signal: ctx.signal,
      });
    } catch (e) {
      return EffectOutcome.failed(e instanceof Error ? e.message : String(e));
    }
    const mode = result['mode'];
    if (!truthy(mode) || mode === 'executed') return EffectOutcome.completed(result);
    const resumeToNode = truthy(payload['resume_to_node']) ? String(payload['resume_to_node']) : defaultNext;
    const resultKey = effect.resultKey ?? null;
    if (mode === 'job') {
      const jobId = result['job_id'];
      if (typeof jobId !== 'string' || jobId === '') return EffectOutcome.failed("Tool executor returned mode 'job' without a job_id");
      const details: JsonObject = { mode, job_id: jobId, tool_calls: toolCalls };
      return EffectOutcome.waiting(waitState({ reason: WaitReason.JOB, waitKey: jobId, resumeToNode, resultKey, details }));
    }
    const waitKey = truthy(payload['wait_key']) ? String(payload['wait_key']) : `tool_calls:${run.runId}:${run.currentNode}`;
    const details: JsonObject = { mode: mode as JsonValue };
    for (const [k, v] of Object.entries(result)) if (k !== 'mode' && k !== 'tool_calls') details[k] = v;
    details['tool_calls'] = toolCalls;
    return EffectOutcome.waiting(waitState({ reason: WaitReason.EVENT, waitKey, resumeToNode, resultKey, details }));
  };
}
