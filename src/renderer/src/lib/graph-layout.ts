import dagre from '@dagrejs/dagre';

export const NODE_WIDTH = 164;
export const NODE_HEIGHT = 44;

export interface LayoutInput {
  nodeIds: readonly string[];
  /** `label`: the edge's declared text, given room of its own so that labels never overlap. */
  edges: ReadonlyArray<{ from: string; to: string; label?: string | null }>;
}

/** Where dagre routed an edge (its bends) and where its label sits, in graph coordinates. */
export interface EdgeRoute {
  points: ReadonlyArray<{ x: number; y: number }>;
  label: { x: number; y: number };
}

export type RankDir = 'LR' | 'TB';

export interface LayoutPositions {
  positions: ReadonlyMap<string, { x: number; y: number }>;
  /** By `from\u0003to`; self-loops have none (drawn as a loop over their node). */
  routes: ReadonlyMap<string, EdgeRoute>;
  width: number;
  height: number;
  rankdir: RankDir;
}

const cache = new Map<string, LayoutPositions>();

export const routeKey = (from: string, to: string): string => `${from}\u0003${to}`;

function layoutKey(input: LayoutInput, rankdir: RankDir): string {
  return `${rankdir}\u0004${input.nodeIds.join('\u0001')}\u0002${input.edges.map((e) => `${routeKey(e.from, e.to)}\u0005${e.label ?? ''}`).join('\u0001')}`;
}

/** Label text is 10 px: about 6 px a character, plus room for a visit count ("×1,234"). */
const LABEL_CHAR_PX = 6;
const COUNT_PX = 34;
const LABEL_HEIGHT = 14;

/** The room an edge's label takes: its text and a count, or a count alone (taken edges show "×n"). */
export function labelSize(label: string | null | undefined): { width: number; height: number } {
  return { width: (label ? label.length * LABEL_CHAR_PX + 6 : 0) + COUNT_PX, height: LABEL_HEIGHT };
}

/**
 * Layered layout with dagre. Laying out 300 nodes takes a noticeable moment, so results are
 * cached by the graph's shape: a run that only changes state never lays out again.
 */
export function layoutGraph(input: LayoutInput, rankdir: RankDir = 'LR'): LayoutPositions {
  const key = layoutKey(input, rankdir);
  const hit = cache.get(key);
  if (hit) return hit;
  type EdgeLabel = { width: number; height: number; labelpos: 'c'; x?: number; y?: number; points?: Array<{ x: number; y: number }> };
  const g = new dagre.graphlib.Graph<object, { width: number; height: number; x?: number; y?: number }, EdgeLabel>({ multigraph: false });
  // Every edge's label is a box dagre places like a node (on a rank of its own between its two
  // nodes), so no two labels and no label and node overlap. dagre halves ranksep for that rank.
  g.setGraph({ rankdir, nodesep: 18, edgesep: 10, ranksep: rankdir === 'LR' ? 40 : 36, marginx: 8, marginy: 8 });
  for (const id of input.nodeIds) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of input.edges) {
    // Self-loops add nothing to a layered layout; they are drawn as a loop over their node.
    if (e.from !== e.to && g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, { ...labelSize(e.label), labelpos: 'c' });
  }
  dagre.layout(g);
  const routes = new Map<string, EdgeRoute>();
  for (const ref of g.edges()) {
    const l = g.edge(ref);
    if (l?.points && l.x !== undefined && l.y !== undefined) routes.set(routeKey(ref.v, ref.w), { points: l.points, label: { x: l.x, y: l.y } });
  }
  const positions = new Map<string, { x: number; y: number }>();
  for (const id of input.nodeIds) {
    const n = g.node(id);
    // dagre gives centres; React Flow positions are top-left corners.
    positions.set(id, { x: (n?.x ?? 0) - NODE_WIDTH / 2, y: (n?.y ?? 0) - NODE_HEIGHT / 2 });
  }
  const label = g.graph() as { width?: number; height?: number };
  const out: LayoutPositions = { positions, routes, width: label.width ?? 0, height: label.height ?? 0, rankdir };
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
