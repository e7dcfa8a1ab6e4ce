/**
 * The canvas with big flows: time to open the editor and frame times while dragging a node, at 50,
 * 150 and 300 nodes in the same run (Dify's editor is reported to lag at 50). Real server, built
 * studio, Debian's Chromium (headless, software rendering: a desktop GPU does better).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { NodeRegistry } from '../engine/registry.ts';
import { startServer } from '../engine/server.ts';
import { builtinNodes } from '../nodes/index.ts';
import { launchBrowser } from '../test/helpers/browser.ts';
import { bigFlow } from './lib/big-flow.ts';
import { pct, print, round } from './lib/report.ts';

const TOKEN = 'bench-admin';
const SIZES = (process.env.SIZES ?? '50,150,300').split(',').map(Number);
const REPEAT = Number(process.env.REPEAT ?? 3);

/** Frame intervals (ms) recorded by requestAnimationFrame while `during` runs in the page. */
async function frames(page: Page, during: () => Promise<void>): Promise<number[]> {
  // Page-side code as text: this file is compiled for Node, without the DOM's types.
  await page.evaluate(`(() => {
    window.__frames = []; window.__stop = false;
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  await during();
  return page.evaluate<number[]>('(window.__stop = true, window.__frames.slice(1))');
}

/** Drags node n0 by 240 × 120 px in 60 pointer moves, recording frame times. */
async function dragFrames(page: Page): Promise<number[]> {
  const box = (await page.locator('[data-testid="node-n0"] .wnode-head').boundingBox())!;
  const x = box.x + 20;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  const xs = await frames(page, async () => {
    for (let i = 1; i <= 60; i++) await page.mouse.move(x + i * 4, y + i * 2);
  });
  await page.mouse.up();
  return xs;
}

/** Wheel-zooms over node n0 until the canvas scale reaches `scale`. */
async function zoomTo(page: Page, scale: number): Promise<void> {
  const current = () => page.evaluate<number>(`Number(/scale\\(([\\d.]+)\\)/.exec(document.querySelector('.react-flow__viewport').style.transform)[1])`);
  for (let i = 0; i < 40 && (await current()) < scale; i++) {
    const box = (await page.locator('[data-testid="node-n0"]').boundingBox())!;
    await page.mouse.move(box.x + 10, box.y + 10);
    await page.mouse.wheel(0, -120);
    await page.waitForTimeout(30);
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-studio-'));
  const server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: TOKEN, examplesDir: null });
  const browser = await launchBrowser();
  try {
    for (const n of SIZES) {
      const name = `big${n}`;
      const flow = bigFlow(name, n);
      const edges = n + Object.keys(flow.outputs as object).length;
      // Each repeat opens the flow as written: the drags move n0 and the studio saves where it went.
      const reset = async () => {
        const res = await fetch(`${server.url}/api/flows/${name}`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(flow) });
        if (!res.ok) throw new Error(`could not write ${name}: ${await res.text()}`);
      };
      const opens: number[] = [];
      const drag: number[] = [];
      const dragOpen: number[] = [];
      const dragNear: number[] = [];
      for (let r = 0; r < REPEAT; r++) {
        await reset();
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        page.on('crash', () => console.error(`the page crashed (${name}, repeat ${r + 1})`));
        page.on('pageerror', (e) => console.error(`page error (${name}): ${e.message}`));
        await page.goto(`${server.url}/?token=${TOKEN}#/flows`);
        await page.getByRole('link', { name: 'Flows' }).waitFor();
        // Time to open: from the route change to the frame in which the canvas shows the flow's first
        // node, timed in the page (a polling wait from outside would add its own interval).
        opens.push(await page.evaluate<number>(`new Promise((resolve) => {
          const t0 = performance.now();
          const check = () => {
            const el = document.querySelector('[data-testid="node-n0"]');
            const box = el && el.closest('.react-flow__node');
            if (box && getComputedStyle(box).visibility === 'visible') resolve(Math.round(performance.now() - t0));
            else requestAnimationFrame(check);
          };
          setTimeout(() => resolve(-1), 20000);
          window.location.hash = '#/flows/${name}';
          requestAnimationFrame(check);
        })`));
        if (opens[opens.length - 1] < 0) {
          await page.screenshot({ path: path.join(os.tmpdir(), `bench-studio-${name}-${r}.png`) });
          throw new Error(`${name} did not show node n0 within 20 s (screenshot in ${os.tmpdir()})`);
        }
        // At the zoom it opens at (readable: at least 75 %), with the whole flow in view (Fit), then at 100 %.
        dragOpen.push(...(await dragFrames(page)));
        await page.getByRole('button', { name: 'Fit', exact: true }).click();
        await page.waitForTimeout(400);
        drag.push(...(await dragFrames(page)));
        await zoomTo(page, 1);
        dragNear.push(...(await dragFrames(page)));
        await page.close();
      }
      const frameStats = (xs: number[]) => ({ p50: round(pct(xs, 50)), p95: round(pct(xs, 95)), max: round(Math.max(...xs)), frames: xs.length, fps_p50: round(1000 / pct(xs, 50)) });
      print({ bench: 'studio_canvas', nodes: n, edges, open_ms_median: pct(opens, 50), open_ms: opens, drag_frame_ms_open: frameStats(dragOpen), drag_frame_ms_fit_all: frameStats(drag), drag_frame_ms_zoom_100: frameStats(dragNear) });
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
