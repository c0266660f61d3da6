import { describe, expect, it } from 'vitest';
import { entry } from '../test-support/fixtures';
import { ledgerWorkflow } from './ledger-workflow';

describe('ledgerWorkflow', () => {
  it('draws the nodes a ledger mentions, with their effect types and the end', () => {
    const wf = ledgerWorkflow({ workflowId: 'py', currentNode: 'done', status: 'completed' }, [
      entry(0, { nodeId: 'ask', effectType: 'ask_user', kind: 'effect' }),
      entry(1, { nodeId: 'ask', kind: 'resume' }),
      entry(2, { nodeId: 'done', kind: 'completion' }),
    ]);
    expect(wf.nodes.map((n) => [n.id, n.kind, n.effectType])).toEqual([
      ['ask', 'effect', 'ask_user'],
      ['done', 'terminal', null],
    ]);
    expect(wf.entryNode).toBe('ask');
  });

  it('includes the current node even before it wrote a record', () => {
    expect(ledgerWorkflow({ workflowId: 'py', currentNode: 'start', status: 'running' }, []).nodes.map((n) => n.id)).toEqual(['start']);
  });
});
