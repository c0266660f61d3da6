import { BaseEdge, EdgeLabelRenderer, Position, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { type EdgeRoute } from '../../lib/graph-layout';

export interface RoutedEdgeData extends Record<string, unknown> {
  /** dagre's route and label place; null for a self-loop (drawn over its node). */
  route: EdgeRoute | null;
  text: string | null;
}

export type RoutedEdge = Edge<RoutedEdgeData, 'routed'>;

/** A smooth path through dagre's bend points: straight runs joined by quadratic curves at each bend. */
function pathThrough(points: ReadonlyArray<{ x: number; y: number }>): string {
  if (points.length === 0) return '';
  let d = `M ${points[0]!.x} ${points[0]!.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i]!;
    const n = points[i + 1]!;
    d += ` Q ${p.x} ${p.y} ${(p.x + n.x) / 2} ${(p.y + n.y) / 2}`;
  }
  const last = points.at(-1)!;
  return `${d} L ${last.x} ${last.y}`;
}

/**
 * An edge drawn where dagre routed it, with its label in the box dagre kept free for it, so labels
 * never sit on each other or on a node. A self-loop is a small loop beside its node's outgoing side.
 */
export const GraphEdge = memo(function GraphEdge(props: EdgeProps<RoutedEdge>) {
  const { data, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style } = props;
  const route = data?.route ?? null;
  let path: string;
  let label: { x: number; y: number };
  if (route) {
    path = pathThrough(route.points);
    label = route.label;
  } else if (props.source === props.target) {
    // A loop out of the source handle and back into the node beside it (right of it, or below).
    const right = sourcePosition === Position.Right;
    const [dx, dy] = right ? [1, 0] : [0, 1];
    const [ex, ey] = right ? [0, -14] : [-30, 0];
    path = `M ${sourceX} ${sourceY} C ${sourceX + dx * 34} ${sourceY + dy * 34}, ${sourceX + ex + dx * 34} ${sourceY + ey + dy * 34}, ${sourceX + ex} ${sourceY + ey}`;
    label = { x: sourceX + dx * 34 + ex / 2, y: sourceY + dy * 34 + ey / 2 };
  } else {
    const [p, lx, ly] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
    path = p;
    label = { x: lx, y: ly };
  }
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={markerEnd} style={style} />
      {data?.text ? (
        <EdgeLabelRenderer>
          <div className="gedge-label nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${label.x}px, ${label.y}px)` }}>
            {data.text}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
});
