/**
 * Example 1 of the reference: the smallest workflow. `start` writes a greeting into the run's
 * vars, `end` completes with it. No effects: one tick runs it to completion.
 */
import { WorkflowSpec, type RunState } from 'abstractruntime';

const helloWorld = new WorkflowSpec({
  workflowId: 'hello_world',
  entryNode: 'start',
  description: 'Hello world: one step sets a greeting, the next completes with it.',
  nodes: {
    start: (run: RunState) => {
      const name = typeof run.vars['name'] === 'string' ? run.vars['name'] : 'World';
      run.vars['greeting'] = `Hello, ${name}!`;
      return { nodeId: 'start', nextNode: 'end' };
    },
    end: (run: RunState) => ({ nodeId: 'end', completeOutput: { message: run.vars['greeting'] ?? null } }),
  },
  graph: {
    nodes: {
      start: { kind: 'start', description: 'Writes vars.greeting (vars.name, or "World")' },
      end: { kind: 'terminal', description: 'Completes with {message}' },
    },
    edges: [{ from: 'start', to: 'end' }],
  },
});

export const workflows = [helloWorld];
