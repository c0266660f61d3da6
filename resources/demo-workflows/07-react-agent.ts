/**
 * Example 7 of the reference: a ReAct agent with tools (the runtime's `createReactAgent`).
 * Harmless tools run at once; `write_note` changes something, so it declares
 * `requiresApproval`: the run waits until a person approves, edits or rejects the call.
 */
import { createReactAgent, defineTool, getContext, WorkflowSpec, type JsonObject, type RunContext, type RunState } from 'abstractruntime';

const number = { type: 'number' };
const text = { type: 'string' };

const addDefinition = {
  name: 'add',
  description: 'Add two numbers.',
  parameters: { type: 'object', properties: { a: number, b: number }, required: ['a', 'b'] },
};
const wordCountDefinition = {
  name: 'word_count',
  description: 'Count the words of a text.',
  parameters: { type: 'object', properties: { text }, required: ['text'] },
};
const currentTimeDefinition = {
  name: 'current_time',
  description: "The current date and time (ISO 8601, UTC) and the machine's time zone.",
  parameters: { type: 'object', properties: {} },
};
// Not a plain ToolDefinition literal: `requiresApproval` is the Studio's own flag on a tool.
const writeNoteDefinition = {
  name: 'write_note',
  description: 'Save a short note for the user. A person must approve it first.',
  parameters: { type: 'object', properties: { title: text, body: text }, required: ['title', 'body'] },
  requiresApproval: true,
};

/** Notes live in memory only: the tool must stay harmless on any machine. */
const notes: JsonObject[] = [];

export const add = defineTool(addDefinition, ({ a, b }) => Number(a) + Number(b));
export const wordCount = defineTool(wordCountDefinition, ({ text: t }) => String(t ?? '').split(/\s+/).filter(Boolean).length);
export const currentTime = defineTool(currentTimeDefinition, () => ({
  now: new Date().toISOString(),
  time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
}));
export const writeNote = defineTool(writeNoteDefinition, ({ title, body }) => {
  notes.push({ title: String(title ?? ''), body: String(body ?? '') });
  return { saved: true, note_number: notes.length };
});

export const tools = [add, wordCount, currentTime, writeNote];

const agent = createReactAgent({
  workflowId: 'react_agent_demo',
  tools: [addDefinition, wordCountDefinition, currentTimeDefinition, writeNoteDefinition],
  maxIterations: 8,
  systemPrompt:
    'You are a helpful assistant with tools: add, word_count, current_time and write_note. ' +
    'Use them when they help; when you have the answer, reply without calling a tool.',
  params: { temperature: 0 },
});

/** Started without a task, the demo gets one that uses every tool, the approval included. */
export const DEFAULT_TASK =
  'What is 17 + 25? How many words are in "durable runs survive restarts"? What time is it? ' +
  'Then save a note titled "Demo" with the three answers.';

const agentInit = agent.getNode('init');

const reactAgentDemo = new WorkflowSpec({
  workflowId: agent.workflowId,
  entryNode: agent.entryNode,
  description: 'ReAct agent: reasons with the LLM and acts with tools (write_note needs your approval). Task: vars.context.task.',
  graph: agent.declaration,
  nodes: {
    ...agent.nodes,
    init: (run: RunState, ctx: RunContext) => {
      const context = getContext(run.vars);
      if (!context['task'] && !Array.isArray(context['messages'])) context['task'] = DEFAULT_TASK;
      return agentInit(run, ctx);
    },
  },
});

export const workflows = [reactAgentDemo];
