import { getViewportForBounds, useReactFlow, type Viewport } from '@xyflow/react';
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { NODE_HEIGHT, NODE_WIDTH } from '../../lib/graph-layout';

/** Below this zoom node labels cannot be read; a bigger graph is shown cropped, centred on the run. */
export const READABLE_ZOOM = 0.75;
/**
 * Below this zoom nodes show their name alone, set large enough to stay ~11 px on screen (graph.css,
 * `data-compact`): down to about 0.34 that type still fits its node, so a fitted graph of a few
 * dozen nodes stays legible; below, the names shrink with the graph.
 */
export const COMPACT_BELOW = 0.6;

/** Tells the pane's CSS the zoom (compact nodes size their type by it) without re-rendering a node. */
export function applyZoom(pane: HTMLElement | null, zoom: number): void {
  if (!pane) return;
  pane.style.setProperty('--graph-zoom', zoom.toFixed(3));
  pane.dataset['compact'] = String(zoom < COMPACT_BELOW);
}
const MAX_ZOOM = 1.1;
/** Pixels at the pane's top that the legend covers (graph.css `.graph-legend`): a cropped graph starts below them. */
export const LEGEND_CLEARANCE = 40;

type Positions = ReadonlyArray<{ id: string; position: { x: number; y: number } }>;

/**
 * The viewport that shows the whole laid-out graph, or, when that would be unreadably small, a
 * readable zoom centred on the node the run is at. Computed from the layout, not from measured
 * DOM sizes, so it is right on the first frame.
 */
export function fitViewport(nodes: Positions, width: number, height: number, focusId: string, minZoom = READABLE_ZOOM): Viewport | null {
  if (nodes.length === 0 || width <= 0 || height <= 0) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, n.position.x);
    minY = Math.min(minY, n.position.y);
    maxX = Math.max(maxX, n.position.x + NODE_WIDTH);
    maxY = Math.max(maxY, n.position.y + NODE_HEIGHT);
  }
  // The legend floats over the pane's top: the graph is fitted into the area below it, so a short
  // pane (a prompt card open above it) never puts the first node under the legend.
  const below = height - LEGEND_CLEARANCE;
  if (below <= 0) return null;
  const fitted = getViewportForBounds({ x: minX, y: minY, width: maxX - minX, height: maxY - minY }, width, below, minZoom, MAX_ZOOM, 0.12);
  if (fitted.zoom > minZoom + 0.01) return { ...fitted, y: fitted.y + LEGEND_CLEARANCE };
  const focus = nodes.find((n) => n.id === focusId) ?? nodes[0]!;
  const cx = focus.position.x + NODE_WIDTH / 2;
  const cy = focus.position.y + NODE_HEIGHT / 2;
  const z = fitted.zoom;
  // Centred on the focus, but never past the graph's edge: an entry node at the far left is shown
  // at the pane's left, with the graph after it, not in the middle of half a pane of nothing.
  // Vertically the same within the area below the legend.
  const pad = 16;
  const x = (maxX - minX) * z + 2 * pad <= width ? (width - (maxX - minX) * z) / 2 - minX * z : Math.min(pad - minX * z, Math.max(width - pad - maxX * z, width / 2 - cx * z));
  const top = LEGEND_CLEARANCE;
  const y =
    (maxY - minY) * z + top + pad <= height
      ? top + (height - top - (maxY - minY) * z) / 2 - minY * z
      : Math.min(top - minY * z, Math.max(height - pad - maxY * z, top + (height - top) / 2 - cy * z));
  return { x, y, zoom: z };
}

/**
 * Keeps the graph fitted to its pane (which changes size when a prompt card appears or goes)
 * until the person pans or zooms; from then on the view is theirs until another workflow opens.
 * Returns the handler that notices a person moving the view.
 */
export function useAutoFit(
  pane: RefObject<HTMLDivElement | null>,
  workflowId: string,
  nodes: Positions,
  focusNode: string,
): { onMoveStart: (event: MouseEvent | TouchEvent | null) => void; fitAll: () => void } {
  const flow = useReactFlow();
  const userMoved = useRef(false);
  const latest = useRef({ nodes, focusNode });
  latest.current = { nodes, focusNode };

  const fitTo = useCallback(
    (minZoom: number, duration: number) => {
      const r = pane.current?.getBoundingClientRect();
      if (!r) return;
      const vp = fitViewport(latest.current.nodes, r.width, r.height, latest.current.focusNode, minZoom);
      if (vp) void flow.setViewport(vp, { duration });
    },
    [flow, pane],
  );
  const fit = useCallback(() => fitTo(READABLE_ZOOM, 0), [fitTo]);

  useEffect(() => {
    userMoved.current = false;
  }, [workflowId]);

  // Once per workflow and graph shape; not on every step, which would fight the person's view.
  useEffect(() => {
    const t = setTimeout(fit, 0);
    return () => clearTimeout(t);
  }, [workflowId, nodes.length, fit]);

  useEffect(() => {
    const el = pane.current;
    if (!el) return;
    let t: ReturnType<typeof setTimeout> | null = null;
    const ro = new ResizeObserver(() => {
      if (t) clearTimeout(t);
      t = setTimeout(() => !userMoved.current && fit(), 60);
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      if (t) clearTimeout(t);
    };
  }, [pane, fit]);

  // Only gestures carry an event; programmatic moves do not, and must not count as the person's.
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    if (event) userMoved.current = true;
  }, []);
  // The whole graph however small, on request (the fit button); zoomed out, nodes turn compact.
  const fitAll = useCallback(() => fitTo(0.05, 200), [fitTo]);
  return { onMoveStart, fitAll };
}
