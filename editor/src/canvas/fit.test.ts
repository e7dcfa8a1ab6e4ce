import { describe, expect, it } from 'vitest';
import { openingViewport, READABLE_ZOOM } from './fit.ts';

const at = (x: number, y: number) => ({ position: { x, y } });
const PANE = { width: 1000, height: 600 };

describe('the viewport a flow opens at', () => {
  it('a small flow: centred, at most 100 %', () => {
    const v = openingViewport([at(0, 0), at(280, 0)], PANE)!;
    expect(v.zoom).toBe(1);
    // 520 px of boxes (two 240-wide, 280 apart) centred in 1000: 240 px either side.
    expect(v.x).toBe(240);
    expect(v.y).toBe((600 - 96) / 2);
  });

  it('a flow that fits at a readable zoom is fitted whole', () => {
    const v = openingViewport([at(0, 0), at(1000, 0)], PANE)!;
    expect(v.zoom).toBeCloseTo((1000 - 64) / 1240);
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(v.x + 1240 * v.zoom / 2).toBeCloseTo(500);
  });

  it('a big flow opens at its top left, never below the readable zoom, whatever the measured boxes', () => {
    const nodes = Array.from({ length: 300 }, (_, i) => at((i % 10) * 280 + 50, Math.floor(i / 10) * 160 + 20));
    const v = openingViewport(nodes, PANE)!;
    expect(v.zoom).toBe(READABLE_ZOOM);
    // The first box sits PAD (32 px) in from the top left.
    expect(50 * v.zoom + v.x).toBeCloseTo(32);
    expect(20 * v.zoom + v.y).toBeCloseTo(32);
  });

  it('measured sizes count where the canvas has them; nothing to show, no viewport', () => {
    const wide = openingViewport([{ position: { x: 0, y: 0 }, measured: { width: 1100, height: 100 } }], PANE)!;
    expect(wide.zoom).toBeCloseTo((1000 - 64) / 1100);
    expect(openingViewport([], PANE)).toBeUndefined();
    expect(openingViewport([at(0, 0)], { width: 0, height: 0 })).toBeUndefined();
  });
});
