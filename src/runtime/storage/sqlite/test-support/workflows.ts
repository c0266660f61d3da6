import { EffectType } from '../../../core/enums';
import { EffectOutcome } from '../../../core/outcome';
import { type EffectHandler } from '../../../core/effect-handler';
import { WorkflowSpec } from '../../../core/spec';

/** ask -> (user answers) -> done: the durable wait of the reference's examples. */
export const askWorkflow = new WorkflowSpec({
  workflowId: 'sqlite_ask',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: EffectType.ASK_USER, payload: { prompt: 'Which colour? ☕', choices: ['red', 'green'] }, resultKey: 'answer' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { answer: run.vars['answer'] ?? null } }),
  },
});

/** Three llm_call steps through a stub, then completion: 7 ledger records (2 per effect + 1). */
export const threeStepWorkflow = new WorkflowSpec({
  workflowId: 'sqlite_three_steps',
  entryNode: 'a',
  nodes: {
    a: () => ({ nodeId: 'a', effect: { type: EffectType.LLM_CALL, payload: { prompt: 'first' }, resultKey: 'a' }, nextNode: 'b' }),
    b: (run) => ({ nodeId: 'b', effect: { type: EffectType.LLM_CALL, payload: { prompt: 'second', after: run.vars['a'] ?? null }, resultKey: 'b' }, nextNode: 'c' }),
    c: () => ({ nodeId: 'c', effect: { type: EffectType.LLM_CALL, payload: { prompt: 'third' }, resultKey: 'c' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { a: run.vars['a'] ?? null, b: run.vars['b'] ?? null, c: run.vars['c'] ?? null } }),
  },
});

/** An llm_call handler that answers with a counter, and counts its calls. */
export function stubLlm(): { handler: EffectHandler; calls: () => number } {
  let n = 0;
  const handler: EffectHandler = async (_run, effect) => {
    n++;
    return EffectOutcome.completed({ content: `reply ${n} to ${String(effect.payload?.['prompt'])}` });
  };
  return { handler, calls: () => n };
}
