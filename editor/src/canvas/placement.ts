/**
 * Where a new node goes: the free spot nearest to where it is wanted (the middle of the view, beside
 * the selected node, under the pointer), so nodes added one after another never land on each other.
 * Pure; the sizes of the boxes already drawn come from React Flow's measurements.
 */
import type { NodeView } from '../flow/ports.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Space kept between a new box and its neighbours. */
export const GAP = 32;
const STEP = 40;
const MAX_RINGS = 60;

const hits = (a: Rect, b: Rect) => a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP;

/** The size a node will be drawn at before it is measured: the widest box, a row per port. */
export function estimateSize(view: Pick<NodeView, 'inputs' | 'outputs' | 'acceptsNew'>): { width: number; height: number } {
  const rows = Math.max(view.inputs.length + (view.acceptsNew ? 1 : 0), view.outputs.length, 1);
  return { width: 280, height: 34 + 24 + 12 + rows * 22 };
}

/**
 * The top-left corner nearest `want` where a box of `size` overlaps no box of `boxes` (with GAP
 * around each). Tried on rings of a 40 px grid outwards; `want` itself when nothing is free nearby.
 */
export function freeSpot(want: { x: number; y: number }, size: { width: number; height: number }, boxes: readonly Rect[]): [number, number] {
  const at = (x: number, y: number): Rect => ({ x, y, width: size.width, height: size.height });
  const free = (r: Rect) => !boxes.some((b) => hits(r, b));
  const x0 = Math.round(want.x);
  const y0 = Math.round(want.y);
  if (free(at(x0, y0))) return [x0, y0];
  for (let ring = 1; ring <= MAX_RINGS; ring++) {
    const spots: [number, number][] = [];
    for (let i = -ring; i <= ring; i++) {
      spots.push([i, -ring], [i, ring]);
      if (i > -ring && i < ring) spots.push([-ring, i], [ring, i]);
    }
    // Nearest first; on a tie, to the right before below (flows read left to right).
    spots.sort((a, b) => Math.hypot(a[0], a[1]) - Math.hypot(b[0], b[1]) || b[0] - a[0] || a[1] - b[1]);
    for (const [i, j] of spots) {
      const r = at(x0 + i * STEP, y0 + j * STEP);
      if (free(r)) return [r.x, r.y];
    }
  }
  return [x0, y0];
}
