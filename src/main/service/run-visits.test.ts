import { describe, expect, it } from 'vitest';
import { VisitCounter } from './run-visits';

describe('VisitCounter', () => {
  it('counts each change of node as a visit and a transition, repeats of one node as one', () => {
    const c = new VisitCounter();
    for (const n of ['init', 'check', 'process', 'check', 'process', 'check', 'finish', 'finish']) c.add(n);
    const r = c.result('r1', true);
    expect(r.visits).toEqual([
      { nodeId: 'init', count: 1 },
      { nodeId: 'check', count: 3 },
      { nodeId: 'process', count: 2 },
      { nodeId: 'finish', count: 1 },
    ]);
    expect(r.transitions).toContainEqual({ from: 'process', to: 'check', count: 2 });
    expect(r.transitions).toContainEqual({ from: 'check', to: 'finish', count: 1 });
    expect(r.states).toBe(8);
  });
});
