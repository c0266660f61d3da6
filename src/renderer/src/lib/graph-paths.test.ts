import { describe, expect, it } from 'vitest';
import { type NodeKind } from '../../../shared/contract';
import { entry, workflow } from '../test-support/fixtures';
import { fillSilentNodes } from './graph-paths';
import { edgeKey, traverseLedger } from './graph-state';

const effect = (seq: number, nodeId: string, status: 'started' | 'completed') => entry(seq, { nodeId, status, kind: 'effect', effectType: 'tool_calls' });

/** setup(start) → fx(effect) → loop(step) → fx … loop → done(terminal) */
function loopWorkflow() {
  const wf = workflow(['setup', 'fx', 'loop', 'done'], [['setup', 'fx'], ['fx', 'loop'], ['loop', 'fx'], ['loop', 'done']]);
  const kinds: Record<string, NodeKind> = { setup: 'start', fx: 'effect', loop: 'step', done: 'terminal' };
  return { ...wf, entryNode: 'setup', nodes: wf.nodes.map((n) => ({ ...n, kind: kinds[n.id]! })) };
}

describe('fillSilentNodes', () => {
  it('marks the plain steps between recorded nodes as visited, with their edges taken', () => {
    const t = traverseLedger([effect(0, 'fx', 'started'), effect(1, 'fx', 'completed'), effect(2, 'fx', 'started'), effect(3, 'fx', 'completed'), entry(4, { nodeId: 'done', kind: 'completion' })]);
    const filled = fillSilentNodes(loopWorkflow(), t, 'done');
    expect(filled.visits.get('loop')).toBe(2);
    expect(filled.visits.get('setup')).toBe(1);
    expect(filled.edges.get(edgeKey('fx', 'loop'))).toBe(2);
    expect(filled.edges.get(edgeKey('loop', 'fx'))).toBe(1);
    expect(filled.edges.get(edgeKey('loop', 'done'))).toBe(1);
    expect(filled.edges.get(edgeKey('setup', 'fx'))).toBe(1);
    expect(filled.edges.has(edgeKey('fx', 'fx'))).toBe(false);
    expect(filled.edges.has(edgeKey('fx', 'done'))).toBe(false);
  });

  it('draws the step the run is paused on', () => {
    const t = traverseLedger([effect(0, 'fx', 'started'), effect(1, 'fx', 'completed')]);
    expect(fillSilentNodes(loopWorkflow(), t, 'loop').edges.get(edgeKey('fx', 'loop'))).toBe(1);
  });

  it('leaves a transition it cannot explain as it is', () => {
    const t = traverseLedger([effect(0, 'fx', 'completed'), entry(1, { nodeId: 'elsewhere', kind: 'other' })]);
    expect(fillSilentNodes(loopWorkflow(), t, null).edges.get(edgeKey('fx', 'elsewhere'))).toBe(1);
  });
});
