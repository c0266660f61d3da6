import { describe, expect, it } from 'vitest';
import { type InferredGraph, type WorkflowInfo } from '../../../shared/contract';
import { mergeInferred } from './graph-inferred';
import { edgeKey, graphModel, traverseLedger } from './graph-state';

const bare: WorkflowInfo = {
  workflowId: 'mine',
  description: null,
  entryNode: 'ask',
  source: '/x/mine.ts',
  nodes: ['ask', 'lookup', 'decide', 'done'].map((id) => ({ id, label: id, kind: id === 'ask' ? 'start' : 'step', effectType: null, description: null, workflowId: null })),
  edges: [],
};

const seen: InferredGraph = {
  workflowId: 'mine',
  nodes: [
    { id: 'ask', kind: 'effect', effectType: 'ask_user', workflowId: null },
    { id: 'lookup', kind: 'effect', effectType: 'tool_calls', workflowId: null },
    { id: 'decide', kind: 'step', effectType: null, workflowId: null },
    { id: 'done', kind: 'terminal', effectType: null, workflowId: null },
    { id: 'gone', kind: 'effect', effectType: 'llm_call', workflowId: null },
  ],
  edges: [
    { from: 'ask', to: 'lookup', runs: 3 },
    { from: 'lookup', to: 'decide', runs: 3 },
    { from: 'decide', to: 'done', runs: 2 },
    { from: 'decide', to: 'gone', runs: 1 },
  ],
  runsScanned: 3,
  runsTotal: 3,
};

describe('mergeInferred', () => {
  it('gives a module without a graph its kinds and edges from its runs, not taken by a run that did not take them', () => {
    const { workflow, inferredEdges } = mergeInferred(bare, seen);
    expect(workflow.nodes.map((n) => [n.id, n.kind, n.effectType])).toEqual([
      ['ask', 'effect', 'ask_user'],
      ['lookup', 'effect', 'tool_calls'],
      ['decide', 'step', null],
      ['done', 'terminal', null],
    ]);
    // A node the spec no longer defines is left out; so is the edge to it.
    expect(workflow.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['ask>lookup', 'lookup>decide', 'decide>done']);
    const model = graphModel(workflow, traverseLedger([]), inferredEdges);
    expect(model.edges.every((e) => !e.declared && e.taken === 0)).toBe(true);
  });

  it('keeps what a module declares: its kinds, and its edges as declared', () => {
    const declared: WorkflowInfo = {
      ...bare,
      nodes: bare.nodes.map((n) => (n.id === 'lookup' ? { ...n, kind: 'effect', effectType: 'llm_call' } : n)),
      edges: [{ from: 'ask', to: 'lookup', label: 'asked' }],
    };
    const { workflow, inferredEdges } = mergeInferred(declared, seen);
    expect(workflow.nodes.find((n) => n.id === 'lookup')?.effectType).toBe('llm_call');
    expect(inferredEdges.has(edgeKey('ask', 'lookup'))).toBe(false);
    const model = graphModel(workflow, traverseLedger([]), inferredEdges);
    expect(model.edges.find((e) => e.from === 'ask')).toMatchObject({ declared: true, label: 'asked', taken: 0 });
    expect(model.edges.find((e) => e.from === 'lookup')).toMatchObject({ declared: false, taken: 0 });
  });
});
