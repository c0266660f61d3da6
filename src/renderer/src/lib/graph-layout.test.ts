import { describe, expect, it } from 'vitest';
import { NODE_HEIGHT, NODE_WIDTH, labelSize, layoutForPane, layoutGraph, routeKey } from './graph-layout';

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

describe('edge labels', () => {
  type Box = { x: number; y: number; width: number; height: number };
  const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  it('get room of their own: no label overlaps another label or a node, even on a bushy graph', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `node_${i}`);
    const edges = ids.slice(1).flatMap((id, i) => [
      { from: `node_${Math.floor(i / 2)}`, to: id, label: i % 3 === 0 ? 'answered' : null },
      { from: id, to: `node_${Math.floor(i / 4)}`, label: i % 5 === 0 ? 'retry after failure' : null },
    ]);
    const l = layoutGraph({ nodeIds: ids, edges });
    const labels: Box[] = [];
    for (const e of edges) {
      const r = l.routes.get(routeKey(e.from, e.to));
      if (!r) continue;
      const size = labelSize(e.label);
      labels.push({ x: r.label.x - size.width / 2, y: r.label.y - size.height / 2, ...size });
    }
    expect(labels.length).toBeGreaterThan(60);
    const nodes: Box[] = [...l.positions.values()].map((p) => ({ ...p, width: NODE_WIDTH, height: NODE_HEIGHT }));
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) expect(overlap(labels[i]!, labels[j]!), `labels ${i} and ${j}`).toBe(false);
      for (const n of nodes) expect(overlap(labels[i]!, n)).toBe(false);
    }
  });
});
