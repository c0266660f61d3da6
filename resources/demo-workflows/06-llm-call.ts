/**
 * Example 6 of the reference: one LLM call. The Studio runs `llm_call` with the LLM configured
 * for the workspace (an OpenAI-compatible server such as Ollama). The call, its answer, model
 * and token usage are in the ledger; a retry of a failed call shows as a second attempt.
 */
import { EffectType, WorkflowSpec, isJsonObject, type RunState } from 'abstractruntime';

const topicOf = (run: RunState): string => (typeof run.vars['topic'] === 'string' && run.vars['topic'] ? run.vars['topic'] : 'octopuses');

const llmDemo = new WorkflowSpec({
  workflowId: 'llm_demo',
  entryNode: 'ask_llm',
  description: 'LLM call: asks the configured LLM for one fact about vars.topic (default "octopuses").',
  nodes: {
    ask_llm: (run: RunState) => ({
      nodeId: 'ask_llm',
      effect: {
        type: EffectType.LLM_CALL,
        payload: {
          prompt: `Give me one interesting fact about ${topicOf(run)}. Answer in one or two sentences.`,
          params: { temperature: 0.7, max_tokens: 200 },
        },
        resultKey: 'llm_response',
      },
      nextNode: 'process_response',
    }),
    process_response: (run: RunState) => {
      const llm = run.vars['llm_response'];
      const read = (key: string): string | null => (isJsonObject(llm) && typeof llm[key] === 'string' ? (llm[key] as string) : null);
      return { nodeId: 'process_response', completeOutput: { topic: topicOf(run), fact: read('content'), model: read('model') } };
    },
  },
  graph: {
    nodes: {
      ask_llm: { kind: 'effect', effectType: EffectType.LLM_CALL, description: 'Asks the LLM for a fact' },
      process_response: { kind: 'terminal', description: 'Completes with the fact and the model' },
    },
    edges: [{ from: 'ask_llm', to: 'process_response', label: 'answer' }],
  },
});

export const workflows = [llmDemo];
