import { describe, expect, it } from 'vitest';
import { layoutForPane, layoutGraph } from './graph-layout';

describe('layoutGraph', () => {
  it('places each layer right of the one before', () => {
    const pos = layoutGraph({ nodeIds: ['a', 'b', 'c'], edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }] }).positions;
    expect(pos.get('a')!.x).toBeLessThan(pos.get('b')!.x);
    expect(pos.get('b')!.x).toBeLessThan(pos.get('c')!.x);
  });

  it('returns the cached layout for the same shape', () => {
    const input = { nodeIds: ['x', 'y'], edges: [{ from: 'x', to: 'y' }, { from: 'y', to: 'y' }] };
    expect(layoutGraph(input)).toBe(layoutGraph({ ...input }));
  });

  it('lays out a 300-node graph', () => {
    const ids = Array.from({ length: 300 }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => ({ from: `n${Math.floor(i / 3)}`, to: id }));
    const pos = layoutGraph({ nodeIds: ids, edges });
    expect(pos.positions.size).toBe(300);
  });

  it('lays a chain out along the long side of the pane', () => {
    const chain = { nodeIds: ['a', 'b', 'c', 'd', 'e'], edges: [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e']].map(([from, to]) => ({ from: from!, to: to! })) };
    expect(layoutForPane(chain, 1000, 250).rankdir).toBe('LR');
    expect(layoutForPane(chain, 250, 1000).rankdir).toBe('TB');
  });
});
