/**
 * Example 2 of the reference: asking a person. The run waits (durably: for seconds or for weeks)
 * at each ASK_USER until someone answers in the Studio's prompts panel; the answer lands in vars
 * as `{response: "…"}` and the run goes on. The last step branches on the chosen option.
 */
import { EffectType, WorkflowSpec, isJsonObject, type JsonValue, type RunState } from 'abstractruntime';

const CHOICES = ['Tell me a joke', 'Share a fun fact', 'Say goodbye'];

/** The text of an answer stored at `key` (`{response: "…"}`), or '' when there is none. */
function responseOf(value: JsonValue | undefined): string {
  return isJsonObject(value) && typeof value['response'] === 'string' ? value['response'].trim() : '';
}

function reply(choice: string, name: string): string {
  if (choice === CHOICES[0]) return `Why do durable workflows never panic, ${name}? They always know where they left off.`;
  if (choice === CHOICES[1]) return `Fun fact for ${name}: every step of this run is hash-chained in its ledger, so any edit shows.`;
  return `Goodbye, ${name}!`;
}

const askUserDemo = new WorkflowSpec({
  workflowId: 'ask_user_demo',
  entryNode: 'start',
  description: 'Ask user: asks your name, then offers three choices and answers the one you pick.',
  nodes: {
    start: () => ({
      nodeId: 'start',
      effect: { type: EffectType.ASK_USER, payload: { prompt: 'What is your name?' }, resultKey: 'user_name' },
      nextNode: 'greet',
    }),
    greet: (run: RunState) => ({
      nodeId: 'greet',
      effect: {
        type: EffectType.ASK_USER,
        payload: { prompt: `Nice to meet you, ${responseOf(run.vars['user_name']) || 'stranger'}! What would you like?`, choices: CHOICES, allow_free_text: false },
        resultKey: 'user_choice',
      },
      nextNode: 'respond',
    }),
    respond: (run: RunState) => {
      const name = responseOf(run.vars['user_name']) || 'stranger';
      const choice = responseOf(run.vars['user_choice']);
      return { nodeId: 'respond', completeOutput: { name, choice, reply: reply(choice, name) } };
    },
  },
  graph: {
    nodes: {
      start: { kind: 'effect', effectType: EffectType.ASK_USER, description: 'Asks "What is your name?" (vars.user_name)' },
      greet: { kind: 'effect', effectType: EffectType.ASK_USER, description: 'Offers three choices (vars.user_choice)' },
      respond: { kind: 'terminal', description: 'Answers the chosen option' },
    },
    edges: [
      { from: 'start', to: 'greet', label: 'answered' },
      { from: 'greet', to: 'respond', label: 'chosen' },
    ],
  },
});

export const workflows = [askUserDemo];
