import { describe, expect, it } from 'vitest';
import { type WorkflowInfo } from '../../../shared/contract';
import { expandSubworkflows, innerId } from './graph-expand';

const node = (id: string, extra: Partial<WorkflowInfo['nodes'][number]> = {}): WorkflowInfo['nodes'][number] => ({ id, label: id, kind: 'step', effectType: null, description: null, workflowId: null, ...extra });
const child: WorkflowInfo = { workflowId: 'child', description: null, entryNode: 'a', source: null, nodes: [node('a'), node('b')], edges: [{ from: 'a', to: 'b', label: null }] };
const parent: WorkflowInfo = {
  workflowId: 'parent',
  description: null,
  entryNode: 'start',
  source: null,
  nodes: [node('start'), node('call', { kind: 'subworkflow', workflowId: 'child' }), node('end')],
  edges: [{ from: 'start', to: 'call', label: null }, { from: 'call', to: 'end', label: null }],
};

describe('expandSubworkflows', () => {
  it('is the workflow itself while every subworkflow is collapsed', () => {
    expect(expandSubworkflows(parent, new Map([['child', child]]), new Set())).toBe(parent);
  });

  it('draws an expanded child inline under its node, and leaves the parent edges as they were', () => {
    const wf = expandSubworkflows(parent, new Map([['child', child]]), new Set(['call']));
    expect(wf.nodes.map((n) => n.id)).toEqual(['start', 'call', 'end', innerId('call', 'a'), innerId('call', 'b')]);
    expect(wf.edges).toContainEqual({ from: 'call', to: 'call/a', label: 'starts' });
    expect(wf.edges).toContainEqual({ from: 'call/a', to: 'call/b', label: null });
    expect(wf.edges).toContainEqual({ from: 'call', to: 'end', label: null });
  });

  it('leaves a child that is not loaded collapsed', () => {
    expect(expandSubworkflows(parent, new Map(), new Set(['call'])).nodes).toHaveLength(3);
  });
});
