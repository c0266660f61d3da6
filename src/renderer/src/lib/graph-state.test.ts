import { describe, expect, it } from 'vitest';
import { entry, workflow } from '../test-support/fixtures';
import { edgeKey, graphModel, nodeState, traverseLedger } from './graph-state';

const effect = (seq: number, nodeId: string, status: 'started' | 'completed' | 'failed' | 'waiting', attempt = 1) =>
  entry(seq, { nodeId, status, attempt, kind: 'effect', effectType: 'llm_call' });

describe('traverseLedger', () => {
  it('counts one visit per node entered and the transitions between them', () => {
    const t = traverseLedger([effect(0, 'a', 'started'), effect(1, 'a', 'completed'), effect(2, 'b', 'started'), effect(3, 'b', 'completed')]);
    expect(t.visits.get('a')).toBe(1);
    expect(t.visits.get('b')).toBe(1);
    expect(t.edges.get(edgeKey('a', 'b'))).toBe(1);
  });

  it('counts loops, including a node looping to itself', () => {
    const loop = [
      effect(0, 'think', 'started'), effect(1, 'think', 'completed'),
      effect(2, 'act', 'started'), effect(3, 'act', 'completed'),
      effect(4, 'think', 'started'), effect(5, 'think', 'completed'),
      effect(6, 'think', 'started'), effect(7, 'think', 'completed'),
    ];
    const t = traverseLedger(loop);
    expect(t.visits.get('think')).toBe(3);
    expect(t.edges.get(edgeKey('act', 'think'))).toBe(1);
    expect(t.edges.get(edgeKey('think', 'think'))).toBe(1);
  });

  it('keeps retries and resumes inside the visit they belong to', () => {
    const t = traverseLedger([
      effect(0, 'call', 'started', 1), effect(1, 'call', 'failed', 1), effect(2, 'call', 'started', 2), effect(3, 'call', 'completed', 2),
      entry(4, { nodeId: 'ask', status: 'started', kind: 'effect' }), entry(5, { nodeId: 'ask', status: 'waiting', kind: 'effect' }),
      entry(6, { nodeId: 'ask', status: 'completed', kind: 'resume' }),
    ]);
    expect(t.visits.get('call')).toBe(1);
    expect(t.visits.get('ask')).toBe(1);
    expect(t.failed.has('call')).toBe(false);
  });

  it('infers no transition across a gap of unloaded records', () => {
    const t = traverseLedger([effect(0, 'a', 'completed'), effect(10, 'b', 'completed')]);
    expect(t.edges.size).toBe(0);
    expect(t.visits.get('b')).toBe(1);
  });

  it('draws no edge across a restore or a fork record', () => {
    const t = traverseLedger([effect(0, 'a', 'completed'), effect(1, 'b', 'completed'), entry(2, { nodeId: 'a', kind: 'restore' }), effect(3, 'a', 'started'), effect(4, 'a', 'completed')]);
    expect(t.edges.get(edgeKey('b', 'a'))).toBeUndefined();
    expect(t.visits.get('a')).toBe(2);
  });

  it('remembers a node whose last attempt failed', () => {
    expect(traverseLedger([effect(0, 'x', 'started'), effect(1, 'x', 'failed')]).failed.has('x')).toBe(true);
  });
});

describe('nodeState', () => {
  const t = traverseLedger([effect(0, 'a', 'completed'), effect(1, 'b', 'completed')]);
  const run = { currentNode: 'b', status: 'running' as const, breakpoints: ['c', 'b'] };

  it('marks the current node, breakpoints, visited and idle nodes', () => {
    expect(nodeState('b', t, run)).toBe('current');
    expect(nodeState('c', t, run)).toBe('breakpoint');
    expect(nodeState('a', t, run)).toBe('visited');
    expect(nodeState('d', t, run)).toBe('idle');
    expect(nodeState('a', t, null)).toBe('idle');
  });
});

describe('graphModel', () => {
  it('adds transitions and nodes seen in the ledger but not declared', () => {
    const wf = workflow(['a', 'b'], [['a', 'b']]);
    const t = traverseLedger([effect(0, 'a', 'completed'), effect(1, 'b', 'completed'), effect(2, 'z', 'completed')]);
    const m = graphModel(wf, t);
    expect(m.nodeIds).toEqual(['a', 'b', 'z']);
    expect(m.undeclared).toEqual(['z']);
    expect(m.edges).toEqual([
      { id: edgeKey('a', 'b'), from: 'a', to: 'b', label: null, declared: true, taken: 1 },
      { id: edgeKey('b', 'z'), from: 'b', to: 'z', label: null, declared: false, taken: 1 },
    ]);
  });
});
