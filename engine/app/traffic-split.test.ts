/**
 * Traffic split: an unpinned call draws a version in proportion to its weight over the weights'
 * total, whatever that total is (the API accepts any weights from 0 to 100 that add up to more than 0).
 * The draw is made deterministic by replacing Math.random with an even grid of values over [0, 1):
 * each version must get exactly its share of the grid, and the grid's edges (0 and the largest
 * double below 1) are drawn too.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeRegistry } from '../registry.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import type { DeploymentRow, TrafficSplit } from '../store/types.ts';
import { Workspace } from './workspace.ts';

const temp = useTempStore();
let ws: Workspace;

beforeEach(async () => {
  ws = new Workspace(temp.store, new NodeRegistry([]));
  // Five versions of one flow, numbered 1..5 by the store.
  for (let i = 1; i <= 5; i++) await temp.store.versions.create({ flow: 'f', hash: `h${i}`, message: '', author: '', source: `v${i}`, definition: { v: i } });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await ws.close();
});

const deployment = (traffic: TrafficSplit[]) => ({ name: 'd', kind: 'flow', flow: 'f', traffic, traceSampleRate: 1 }) as DeploymentRow;

/** The version drawn for one value of Math.random. */
async function drawAt(traffic: TrafficSplit[], x: number): Promise<number> {
  const spy = vi.spyOn(Math, 'random').mockReturnValue(x);
  try {
    return (await ws.pickVersion(deployment(traffic), undefined)).number;
  } finally {
    spy.mockRestore();
  }
}

/** How many of `n` evenly spaced draws (cell centres) land on each version. */
async function shares(traffic: TrafficSplit[], n: number): Promise<Record<number, number>> {
  const out: Record<number, number> = {};
  for (let i = 0; i < n; i++) {
    const v = await drawAt(traffic, (i + 0.5) / n);
    out[v] = (out[v] ?? 0) + 1;
  }
  return out;
}

const TOP = 1 - 2 ** -53; // the largest value Math.random can return

describe('traffic split draws in proportion to the weights, not to 100', () => {
  it('1:1 halves the calls', async () => {
    const t = [{ version: 1, weight: 1 }, { version: 2, weight: 1 }];
    expect(await shares(t, 100)).toEqual({ 1: 50, 2: 50 });
    expect(await drawAt(t, 0)).toBe(1);
    expect(await drawAt(t, 0.4999)).toBe(1);
    expect(await drawAt(t, 0.5)).toBe(2);
    expect(await drawAt(t, TOP)).toBe(2);
  });

  it('30:30:30 gives a third each', async () => {
    expect(await shares([{ version: 1, weight: 30 }, { version: 2, weight: 30 }, { version: 3, weight: 30 }], 300)).toEqual({ 1: 100, 2: 100, 3: 100 });
  });

  it('weights over 100 in total (60:60) and fractional weights (2.5:7.5) are proportions too', async () => {
    expect(await shares([{ version: 1, weight: 60 }, { version: 2, weight: 60 }], 100)).toEqual({ 1: 50, 2: 50 });
    expect(await shares([{ version: 1, weight: 2.5 }, { version: 2, weight: 7.5 }], 100)).toEqual({ 1: 25, 2: 75 });
  });

  it('90:10 and the canary 1:99 keep their exact shares', async () => {
    expect(await shares([{ version: 1, weight: 90 }, { version: 2, weight: 10 }], 100)).toEqual({ 1: 90, 2: 10 });
    expect(await shares([{ version: 4, weight: 1 }, { version: 5, weight: 99 }], 100)).toEqual({ 4: 1, 5: 99 });
  });

  it('one version gets every call, whatever its weight', async () => {
    for (const weight of [100, 50, 1, 0.5]) {
      expect(await shares([{ version: 3, weight }], 50), `weight ${weight}`).toEqual({ 3: 50 });
      expect(await drawAt([{ version: 3, weight }], 0)).toBe(3);
      expect(await drawAt([{ version: 3, weight }], TOP)).toBe(3);
    }
  });

  it('a version at weight 0 is never drawn, first, middle or last, at either edge of the draw', async () => {
    const t = [{ version: 1, weight: 0 }, { version: 2, weight: 1 }, { version: 3, weight: 0 }, { version: 4, weight: 3 }, { version: 5, weight: 0 }];
    expect(await shares(t, 400)).toEqual({ 2: 100, 4: 300 });
    expect(await drawAt(t, 0)).toBe(2);
    expect(await drawAt(t, TOP)).toBe(4);
  });

  it('float sums do not hand the top of the draw to a trailing version at weight 0', async () => {
    // 0.3 + 0.7 leaves a remainder a hair above 0 after the last weight for the largest draws.
    for (const t of [
      [{ version: 1, weight: 0.3 }, { version: 2, weight: 0.7 }, { version: 3, weight: 0 }],
      [{ version: 1, weight: 0.7 }, { version: 2, weight: 2.2 }, { version: 3, weight: 0 }],
    ]) {
      expect(await drawAt(t, TOP)).toBe(2);
      expect(await drawAt(t, 1 - 1e-15)).toBe(2);
    }
  });

  it('a pinned version is served as asked, and one not in the split is refused', async () => {
    const t = [{ version: 1, weight: 100 }, { version: 2, weight: 0 }];
    expect((await ws.pickVersion(deployment(t), 2)).number).toBe(2);
    await expect(ws.pickVersion(deployment(t), 3)).rejects.toThrow(expect.objectContaining({ code: 'version_not_deployed', status: 400 }));
    // The message names the deployment and what it does serve, so the caller can pick again.
    await expect(ws.pickVersion(deployment(t), 3)).rejects.toThrow('version 3 is not deployed on "d" (deployed: 1, 2)');
  });
});
