import { EffectType } from '../../../core/enums';
import { type StepPlan } from '../../../core/models';
import { WorkflowSpec } from '../../../core/spec';
import { formatIsoTimestamp, parseIsoTimestamp } from '../../../json/timestamp';

/**
 * The crash test's workflows. A run follows a `plan` (a string of letters, one per step, chosen by
 * the seeded generator when the run starts): L an llm_call, F a flaky call that fails twice before
 * it succeeds (retries), E a wait_event the driver answers, U a short wait_until the scheduler
 * wakes, S a synchronous subworkflow. Every step's payload holds its index, so every visit has its
 * own idempotency key, and every result goes to its own var: `r_<i>` for effect results (each must
 * be explained by a completed record), `e_<i>` for events, `s_<i>` for subworkflows.
 */
export const MAIN_WORKFLOW = 'crash_main';
export const SUB_WORKFLOW = 'crash_sub';
/** Not a built-in type: the effect type field is open, the enum lists the reference's. */
export const FLAKY_EFFECT = 'flaky_call';
/** How far ahead a U step waits. */
export const UNTIL_MS = 40;

function stepPlan(runId: string, plan: string, i: number, nowIso: () => string): StepPlan {
  const kind = plan[i] ?? 'L';
  const next = { nodeId: 'work', nextNode: 'work' };
  switch (kind) {
    case 'F':
      return { ...next, effect: { type: FLAKY_EFFECT as EffectType, payload: { i, prompt: `flaky ${i}` }, resultKey: `r_${i}` } };
    case 'E':
      return { ...next, effect: { type: EffectType.WAIT_EVENT, payload: { wait_key: `evt:${runId}:${i}` }, resultKey: `e_${i}` } };
    case 'U': {
      const until = formatIsoTimestamp((parseIsoTimestamp(nowIso()) ?? 0) + UNTIL_MS * 1000);
      return { ...next, effect: { type: EffectType.WAIT_UNTIL, payload: { until, i }, resultKey: null } };
    }
    case 'S': {
      const sub = ['LL', 'LEL', 'LFL'][i % 3] as string;
      return { ...next, effect: { type: EffectType.START_SUBWORKFLOW, payload: { workflow_id: SUB_WORKFLOW, vars: { plan: sub }, i }, resultKey: `s_${i}` } };
    }
    default:
      return { ...next, effect: { type: EffectType.LLM_CALL, payload: { i, prompt: `step ${i}` }, resultKey: `r_${i}` } };
  }
}

function planWorkflow(workflowId: string): WorkflowSpec {
  return new WorkflowSpec({
    workflowId,
    entryNode: 'work',
    nodes: {
      work: (run, ctx) => {
        const plan = String(run.vars['plan'] ?? '');
        const i = Number(run.vars['i'] ?? 0);
        if (i >= plan.length) return { nodeId: 'work', completeOutput: { steps: i, plan } };
        run.vars['i'] = i + 1;
        return stepPlan(run.runId, plan, i, ctx.nowIso);
      },
    },
  });
}

export const mainWorkflow = planWorkflow(MAIN_WORKFLOW);
export const subWorkflow = planWorkflow(SUB_WORKFLOW);

/** A plan of `length` steps from a generator in [0, 1). */
export function randomPlan(random: () => number, length: number): string {
  let plan = '';
  for (let i = 0; i < length; i++) {
    const x = random();
    plan += x < 0.5 ? 'L' : x < 0.6 ? 'F' : x < 0.72 ? 'E' : x < 0.84 ? 'U' : 'S';
  }
  return plan;
}

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
