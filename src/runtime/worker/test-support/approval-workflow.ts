import { EffectType } from '../../core/enums';
import { WorkflowSpec } from '../../core/spec';
import { ApprovalToolExecutor } from '../../integrations/tools/approval-tool-executor';
import { type ToolExecutor } from '../../integrations/tools/tool-executor';
import { makeToolCallsHandler } from '../../integrations/tools/tool-calls-handler';
import { type EffectHandler } from '../../core/effect-handler';

/**
 * A workflow with one tool call a person must approve (the run waits, reason `event`, details
 * `mode: "approval"`), then done with the tool's results. The worker that carries out the
 * approval runs the tool with its own executor.
 */
export const approvalWorkflow = new WorkflowSpec({
  workflowId: 'approve_charge',
  entryNode: 'charge',
  nodes: {
    charge: () => ({
      nodeId: 'charge',
      effect: { type: EffectType.TOOL_CALLS, payload: { tool_calls: [{ name: 'charge', arguments: { amount: 5 }, call_id: 'c1' }] }, resultKey: 'tools' },
      nextNode: 'done',
    }),
    done: (run) => ({ nodeId: 'done', completeOutput: { tools: run.vars['tools'] ?? null } }),
  },
});

/** Every call needs approval; approved calls run on `inner`. Returns the effect handler and the executor a worker needs. */
export function approvalTools(inner: ToolExecutor): { effectHandlers: Record<string, EffectHandler>; toolExecutor: ApprovalToolExecutor } {
  const toolExecutor = new ApprovalToolExecutor({ inner, requiresApproval: () => true });
  return { effectHandlers: { [EffectType.TOOL_CALLS]: makeToolCallsHandler(toolExecutor) }, toolExecutor };
}
