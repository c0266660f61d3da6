import { isJsonObject, type JsonObject } from '../json/json-value';
import { truthy } from './codecs';
import { EffectType, RunStatus, WaitReason } from './enums';
import { type EffectHandler } from './effect-handler';
import { type RunState, waitState } from './models';
import { EffectOutcome } from './outcome';
import { type WorkflowSpec } from './spec';

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const payloadOf = (p: JsonObject | undefined): JsonObject => p ?? {};

export const waitEventHandler: EffectHandler = (_run, effect, defaultNext) => {
  const p = payloadOf(effect.payload);
  if (!truthy(p['wait_key'])) return EffectOutcome.failed('wait_event requires payload.wait_key');
  return EffectOutcome.waiting(
    waitState({
      reason: WaitReason.EVENT,
      waitKey: str(p['wait_key']),
      resumeToNode: truthy(p['resume_to_node']) ? str(p['resume_to_node']) : defaultNext,
      resultKey: effect.resultKey ?? null,
    }),
  );
};

export const waitUntilHandler: EffectHandler = (_run, effect, defaultNext, ctx) => {
  const p = payloadOf(effect.payload);
  if (!truthy(p['until'])) return EffectOutcome.failed('wait_until requires payload.until (ISO timestamp)');
  const until = str(p['until']);
  // String comparison, as the reference: timestamps in Python's isoformat sort correctly.
  if (ctx.nowIso() >= until) return EffectOutcome.completed({ until, ready: true });
  return EffectOutcome.waiting(
    waitState({
      reason: WaitReason.UNTIL,
      until,
      resumeToNode: truthy(p['resume_to_node']) ? str(p['resume_to_node']) : defaultNext,
      resultKey: effect.resultKey ?? null,
    }),
  );
};

export const askUserHandler: EffectHandler = (run, effect, defaultNext) => {
  const p = payloadOf(effect.payload);
  if (!truthy(p['prompt'])) return EffectOutcome.failed('ask_user requires payload.prompt');
  const choices = p['choices'];
  return EffectOutcome.waiting(
    waitState({
      reason: WaitReason.USER,
      waitKey: truthy(p['wait_key']) ? str(p['wait_key']) : `user:${run.runId}:${run.currentNode}`,
      resumeToNode: truthy(p['resume_to_node']) ? str(p['resume_to_node']) : defaultNext,
      resultKey: effect.resultKey ?? null,
      prompt: str(p['prompt']),
      choices: Array.isArray(choices) ? choices.map((c) => (typeof c === 'string' ? c : String(c))) : null,
      allowFreeText: 'allow_free_text' in p ? truthy(p['allow_free_text']) : true,
    }),
  );
};

/** What the subworkflow handler needs from the runtime, kept narrow to avoid a cycle. */
export interface SubworkflowHost {
  lookupWorkflow(workflowId: string): WorkflowSpec | null | 'no-registry';
  startChild(args: { workflow: WorkflowSpec; vars: JsonObject; parent: Parameters<EffectHandler>[0] }): Promise<string>;
  /** Ticks the child inside its parent's node; `held`: a debugger held it before a node (RuntimeOptions.childStop). */
  tickChild(workflow: WorkflowSpec, childId: string): Promise<{ run: RunState; held: boolean }>;
}

export function makeSubworkflowHandler(host: SubworkflowHost): EffectHandler {
  return async (run, effect, defaultNext) => {
    const p = payloadOf(effect.payload);
    if (!truthy(p['workflow_id'])) return EffectOutcome.failed('start_subworkflow requires payload.workflow_id');
    const workflowId = str(p['workflow_id']);
    const found = host.lookupWorkflow(workflowId);
    if (found === 'no-registry') {
      return EffectOutcome.failed(
        'start_subworkflow requires a workflow_registry. Set it via Runtime(workflow_registry=...) or runtime.set_workflow_registry(...)',
      );
    }
    if (!found) return EffectOutcome.failed(`Workflow '${workflowId}' not found in registry`);
    const vars = isJsonObject(p['vars']) ? p['vars'] : {};
    const childId = await host.startChild({ workflow: found, vars, parent: run });
    if (truthy(p['async'])) return EffectOutcome.completed({ sub_run_id: childId, async: true });

    let child: RunState;
    let held: boolean;
    try {
      ({ run: child, held } = await host.tickChild(found, childId));
    } catch (e) {
      return EffectOutcome.failed(`Subworkflow '${workflowId}' failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    // Held by a debugger before one of its nodes: the parent waits for it as for a waiting child.
    const status = held && child.status === RunStatus.RUNNING ? RunStatus.WAITING : child.status;
    switch (status) {
      case RunStatus.COMPLETED:
        return EffectOutcome.completed({ sub_run_id: childId, output: child.output });
      case RunStatus.FAILED:
        return EffectOutcome.failed(`Subworkflow '${workflowId}' failed: ${child.error}`);
      case RunStatus.WAITING:
        return EffectOutcome.waiting(
          waitState({
            reason: WaitReason.SUBWORKFLOW,
            waitKey: `subworkflow:${childId}`,
            resumeToNode: truthy(p['resume_to_node']) ? str(p['resume_to_node']) : defaultNext,
            resultKey: effect.resultKey ?? null,
            details: {
              sub_run_id: childId,
              sub_workflow_id: workflowId,
              sub_waiting: held && child.status === RunStatus.RUNNING
                ? { reason: null, wait_key: null, held: true }
                : { reason: child.waiting?.reason ?? null, wait_key: child.waiting?.waitKey ?? null },
            },
          }),
        );
      default:
        return EffectOutcome.failed(`Unexpected subworkflow status: ${child.status}`);
    }
  };
}

export const BUILTIN_EFFECT_TYPES = [EffectType.WAIT_EVENT, EffectType.WAIT_UNTIL, EffectType.ASK_USER, EffectType.START_SUBWORKFLOW] as const;
