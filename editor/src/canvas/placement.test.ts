import { describe, expect, it } from 'vitest';
import { estimateSize, freeSpot, GAP, type Rect } from './placement.ts';

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const size = { width: 280, height: 120 };

describe('freeSpot', () => {
  it('keeps the wanted spot when it is free', () => {
    expect(freeSpot({ x: 10.4, y: 20 }, size, [{ x: 400, y: 400, width: 200, height: 100 }])).toEqual([10, 20]);
  });

  it('places box after box at the same wanted spot without any two overlapping, nearest first', () => {
    const boxes: Rect[] = [];
    for (let i = 0; i < 12; i++) {
      const [x, y] = freeSpot({ x: 0, y: 0 }, size, boxes);
      const r = { x, y, ...size };
      for (const b of boxes) expect(overlaps({ ...r, x: r.x - GAP / 2, width: r.width + GAP }, b), `box ${i}`).toBe(false);
      boxes.push(r);
    }
    // The second box goes beside the first, not far away.
    expect(Math.hypot(boxes[1].x, boxes[1].y)).toBeLessThan(400);
  });

  it('estimates more height for more ports', () => {
    const port = { id: 'in:a', name: 'a', tag: 'string' as const };
    expect(estimateSize({ inputs: [port, port, port], outputs: [], acceptsNew: true }).height).toBeGreaterThan(estimateSize({ inputs: [], outputs: [], acceptsNew: false }).height);
  });
});
