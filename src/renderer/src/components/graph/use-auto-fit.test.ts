import { describe, expect, it } from 'vitest';
import { NODE_HEIGHT, NODE_WIDTH } from '../../lib/graph-layout';
import { LEGEND_CLEARANCE, READABLE_ZOOM, fitViewport } from './use-auto-fit';

const at = (id: string, x: number, y: number) => ({ id, position: { x, y } });

describe('fitViewport', () => {
  it('shows a small graph whole, centred below the legend, at most slightly enlarged', () => {
    const vp = fitViewport([at('a', 0, 0), at('b', 200, 0)], 1000, 400, 'a')!;
    expect(vp.zoom).toBeCloseTo(1.1);
    // centred: the graph's middle lands in the middle of the pane below the legend
    expect(vp.x + ((200 + NODE_WIDTH) / 2) * vp.zoom).toBeCloseTo(500);
    expect(vp.y + (NODE_HEIGHT / 2) * vp.zoom).toBeCloseTo(LEGEND_CLEARANCE + (400 - LEGEND_CLEARANCE) / 2);
  });

  it('fits a graph into a short pane (a prompt card above it) without its first node under the legend', () => {
    const nodes = [at('start', 0, 0), at('greet', 0, 110), at('respond', 0, 220)];
    const vp = fitViewport(nodes, 630, 300, 'start')!;
    expect(vp.zoom).toBeGreaterThan(READABLE_ZOOM);
    expect(vp.y).toBeGreaterThanOrEqual(LEGEND_CLEARANCE); // start's top edge on screen
    expect(vp.y + (220 + NODE_HEIGHT) * vp.zoom).toBeLessThanOrEqual(300); // respond's bottom edge
  });

  it('keeps a huge graph readable and centres the node the run is at', () => {
    const nodes = Array.from({ length: 300 }, (_, i) => at(`n${i}`, i * 200, (i % 7) * 60));
    const vp = fitViewport(nodes, 900, 300, 'n150')!;
    expect(vp.zoom).toBeCloseTo(READABLE_ZOOM);
    expect(vp.x + (150 * 200 + NODE_WIDTH / 2) * vp.zoom).toBeCloseTo(450);
  });

  it('never shows empty space past the graph: a crop around the entry node starts at the pane edge', () => {
    const nodes = Array.from({ length: 300 }, (_, i) => at(`n${i}`, i * 200, 0));
    const vp = fitViewport(nodes, 900, 300, 'n0')!;
    expect(vp.x).toBeCloseTo(16); // n0 at the left, not in the middle
    // the one row fits the pane's height: centred on it, below the legend
    expect(vp.y + (NODE_HEIGHT / 2) * vp.zoom).toBeCloseTo(LEGEND_CLEARANCE + (300 - LEGEND_CLEARANCE) / 2);
  });

  it('starts a tall crop around the entry node below the legend, not under it', () => {
    const nodes = Array.from({ length: 40 }, (_, i) => at(`n${i}`, 0, i * 110));
    const vp = fitViewport(nodes, 600, 300, 'n0')!;
    expect(vp.zoom).toBeCloseTo(READABLE_ZOOM);
    expect(vp.y).toBeCloseTo(LEGEND_CLEARANCE); // n0's top edge, clear of the legend
  });

  it('does nothing without nodes or a pane', () => {
    expect(fitViewport([], 100, 100, 'a')).toBeNull();
    expect(fitViewport([at('a', 0, 0)], 0, 0, 'a')).toBeNull();
  });
});
