/**
 * Example 3 of the reference: a timer. The run waits until a moment a few seconds ahead; the
 * Studio's scheduler wakes it when the moment comes (also after a restart), or you fast-forward
 * it. The output compares the scheduled time with the time it actually woke up.
 */
import { EffectType, WorkflowSpec, formatIsoTimestamp, parseIsoTimestamp, type RunContext, type RunState } from 'abstractruntime';

/** `iso` plus `seconds`, in the runtime's timestamp format. */
function secondsAfter(iso: string, seconds: number): string {
  const micros = parseIsoTimestamp(iso);
  if (micros === null) throw new Error(`Not a timestamp: ${iso}`);
  return formatIsoTimestamp(micros + seconds * 1_000_000);
}

const waitUntilDemo = new WorkflowSpec({
  workflowId: 'wait_until_demo',
  entryNode: 'start',
  description: 'Wait until: sleeps until a time a few seconds ahead (vars.seconds, default 3), then reports how late it woke.',
  nodes: {
    start: (run: RunState, ctx: RunContext) => {
      const seconds = typeof run.vars['seconds'] === 'number' ? run.vars['seconds'] : 3;
      const until = secondsAfter(ctx.nowIso(), seconds);
      run.vars['scheduled_for'] = until;
      return { nodeId: 'start', effect: { type: EffectType.WAIT_UNTIL, payload: { until }, resultKey: 'wake_result' }, nextNode: 'woke_up' };
    },
    woke_up: (run: RunState, ctx: RunContext) => ({
      nodeId: 'woke_up',
      completeOutput: { scheduled_for: run.vars['scheduled_for'] ?? null, woke_at: ctx.nowIso() },
    }),
  },
  graph: {
    nodes: {
      start: { kind: 'effect', effectType: EffectType.WAIT_UNTIL, description: 'Waits until now + vars.seconds' },
      woke_up: { kind: 'terminal', description: 'Completes with the scheduled and the actual time' },
    },
    edges: [{ from: 'start', to: 'woke_up', label: 'time reached' }],
  },
});

export const workflows = [waitUntilDemo];
