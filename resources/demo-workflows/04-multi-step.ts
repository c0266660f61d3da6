/**
 * Example 4 of the reference: branching and looping with pure steps. `check` decides whether
 * another item is left; `process` handles one item and goes back to `check`. No effects, so the
 * ledger stays empty until completion, while every step is a saved state you can step through.
 */
import { WorkflowSpec, type JsonValue, type RunState } from 'abstractruntime';

const items = (run: RunState): JsonValue[] => (Array.isArray(run.vars['items']) ? run.vars['items'] : []);
const indexOf = (run: RunState): number => (typeof run.vars['index'] === 'number' ? run.vars['index'] : 0);
const processed = (run: RunState): JsonValue[] => (Array.isArray(run.vars['processed']) ? run.vars['processed'] : (run.vars['processed'] = []));

const multiStepDemo = new WorkflowSpec({
  workflowId: 'multi_step_demo',
  entryNode: 'init',
  description: 'Multi-step: loops over five fruits, upper-casing the long names and capitalising the short ones.',
  nodes: {
    init: (run: RunState) => {
      run.vars['items'] = ['apple', 'banana', 'cherry', 'date', 'elderberry'];
      run.vars['index'] = 0;
      run.vars['processed'] = [];
      return { nodeId: 'init', nextNode: 'check' };
    },
    check: (run: RunState) => ({ nodeId: 'check', nextNode: indexOf(run) < items(run).length ? 'process' : 'finish' }),
    process: (run: RunState) => {
      const item = String(items(run)[indexOf(run)] ?? '');
      // The reference's rule: names longer than five letters are shouted, the others capitalised.
      processed(run).push(item.length > 5 ? item.toUpperCase() : item.charAt(0).toUpperCase() + item.slice(1));
      run.vars['index'] = indexOf(run) + 1;
      return { nodeId: 'process', nextNode: 'check' };
    },
    finish: (run: RunState) => ({
      nodeId: 'finish',
      completeOutput: { processed: processed(run), count: processed(run).length, summary: `Processed ${processed(run).length} items` },
    }),
  },
  graph: {
    nodes: {
      init: { kind: 'start', description: 'Sets five fruit names' },
      check: { kind: 'step', description: 'Another item left?' },
      process: { kind: 'step', description: 'Transforms one item' },
      finish: { kind: 'terminal', description: 'Completes with the processed items' },
    },
    edges: [
      { from: 'init', to: 'check' },
      { from: 'check', to: 'process', label: 'item left' },
      { from: 'process', to: 'check', label: 'next' },
      { from: 'check', to: 'finish', label: 'all done' },
    ],
  },
});

export const workflows = [multiStepDemo];
