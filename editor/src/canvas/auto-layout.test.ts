import { describe, expect, it } from 'vitest';
import { GROW, layeredLayout, type Box } from './auto-layout.ts';

describe('layeredLayout', () => {
  const boxes: Box[] = [
    { id: 'in', width: 190, height: 80 }, { id: 'a', width: 220, height: 120 }, { id: 'b', width: 220, height: 160 },
    { id: 'c', width: 260, height: 100 }, { id: 'out', width: 190, height: 80 },
  ];
  const edges = [{ source: 'in', target: 'a' }, { source: 'in', target: 'b' }, { source: 'a', target: 'c' }, { source: 'b', target: 'c' }, { source: 'c', target: 'out' }];
  const at = layeredLayout(boxes, edges);
  const rect = (b: Box) => ({ x: at[b.id][0], y: at[b.id][1], w: Math.max(b.width, GROW.width), h: b.height + GROW.height });

  it('puts every source left of its target, even once the source grows to its widest', () => {
    const by = Object.fromEntries(boxes.map((b) => [b.id, rect(b)]));
    for (const e of edges) expect(by[e.source].x + by[e.source].w, `${e.source} → ${e.target}`).toBeLessThan(by[e.target].x);
  });

  it('leaves room under each box for what a run adds', () => {
    const rs = boxes.map(rect);
    for (const a of rs) for (const b of rs) {
      if (a === b) continue;
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      expect(overlap).toBe(false);
    }
  });
});
