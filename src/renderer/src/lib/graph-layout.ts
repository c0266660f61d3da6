import dagre from '@dagrejs/dagre';

export const NODE_WIDTH = 164;
export const NODE_HEIGHT = 44;

export interface LayoutInput {
  nodeIds: readonly string[];
  edges: ReadonlyArray<{ from: string; to: string }>;
}

export type RankDir = 'LR' | 'TB';

export interface LayoutPositions {
  positions: ReadonlyMap<string, { x: number; y: number }>;
  width: number;
  height: number;
  rankdir: RankDir;
}

const cache = new Map<string, LayoutPositions>();

function layoutKey(input: LayoutInput, rankdir: RankDir): string {
  return `${rankdir}\u0004${input.nodeIds.join('\u0001')}\u0002${input.edges.map((e) => `${e.from}\u0003${e.to}`).join('\u0001')}`;
}

/**
 * Layered layout with dagre. Laying out 300 nodes takes a noticeable moment, so results are
 * cached by the graph's shape: a run that only changes state never lays out again.
 */
export function layoutGraph(input: LayoutInput, rankdir: RankDir = 'LR'): LayoutPositions {
  const key = layoutKey(input, rankdir);
  const hit = cache.get(key);
  if (hit) return hit;
  const g = new dagre.graphlib.Graph<object, { width: number; height: number; x?: number; y?: number }, object>({ multigraph: false });
  // Ranks are far enough apart for an edge label ("answered", "retry") to sit between them.
  g.setGraph({ rankdir, nodesep: 18, ranksep: rankdir === 'LR' ? 72 : 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of input.nodeIds) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of input.edges) {
    // Self-loops add nothing to a layered layout; they are drawn by the edge renderer.
    if (e.from !== e.to && g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  }
  dagre.layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const id of input.nodeIds) {
    const n = g.node(id);
    // dagre gives centres; React Flow positions are top-left corners.
    positions.set(id, { x: (n?.x ?? 0) - NODE_WIDTH / 2, y: (n?.y ?? 0) - NODE_HEIGHT / 2 });
  }
  const label = g.graph() as { width?: number; height?: number };
  const out: LayoutPositions = { positions, width: label.width ?? 0, height: label.height ?? 0, rankdir };
  if (cache.size > 50) cache.clear();
  cache.set(key, out);
  return out;
}

/**
 * Picks the direction whose layout fits the pane at the larger zoom, so a long chain in a wide,
 * short pane runs left to right and a bushy graph top to bottom, both as readable as they can be.
 */
export function layoutForPane(input: LayoutInput, paneWidth: number, paneHeight: number): LayoutPositions {
  const fit = (l: LayoutPositions) => Math.min(paneWidth / Math.max(1, l.width), paneHeight / Math.max(1, l.height));
  const lr = layoutGraph(input, 'LR');
  // Big graphs are unreadable at fit zoom either way; do not pay for a second layout.
  if (input.nodeIds.length > 120) return lr;
  const tb = layoutGraph(input, 'TB');
  return fit(tb) > fit(lr) * 1.1 ? tb : lr;
}
