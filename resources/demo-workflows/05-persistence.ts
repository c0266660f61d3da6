/**
 * Example 5 of the reference: a run survives a restart. Start it; it stops at `step2` waiting
 * for a message. Quit the Studio (or kill it), open it again: the run is still waiting at the
 * same place, with its vars and ledger. Answer it and it completes.
 */
import { EffectType, WorkflowSpec, isJsonObject, type RunContext, type RunState } from 'abstractruntime';

const persistenceDemo = new WorkflowSpec({
  workflowId: 'persistence_demo',
  entryNode: 'step1',
  description: 'Persistence: waits for a message across a restart of the Studio, then completes with it.',
  nodes: {
    step1: (run: RunState, ctx: RunContext) => {
      run.vars['started_at'] = ctx.nowIso();
      return { nodeId: 'step1', nextNode: 'step2' };
    },
    step2: () => ({
      nodeId: 'step2',
      effect: { type: EffectType.ASK_USER, payload: { prompt: 'Enter a message to continue:' }, resultKey: 'user_message' },
      nextNode: 'step3',
    }),
    step3: (run: RunState, ctx: RunContext) => {
      const answer = run.vars['user_message'];
      const message = isJsonObject(answer) && typeof answer['response'] === 'string' ? answer['response'] : null;
      return { nodeId: 'step3', completeOutput: { message, started_at: run.vars['started_at'] ?? null, completed_at: ctx.nowIso() } };
    },
  },
  graph: {
    nodes: {
      step1: { kind: 'start', description: 'Notes when the run started' },
      step2: { kind: 'effect', effectType: EffectType.ASK_USER, description: 'Waits for a message (survives restarts)' },
      step3: { kind: 'terminal', description: 'Completes with the message' },
    },
    edges: [
      { from: 'step1', to: 'step2' },
      { from: 'step2', to: 'step3', label: 'answered' },
    ],
  },
});

export const workflows = [persistenceDemo];
