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

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-studio-'));
  const server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: TOKEN, examplesDir: null });
  const browser = await launchBrowser();
  try {
    for (const n of SIZES) {
      const name = `big${n}`;
      const res = await fetch(`${server.url}/api/flows`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(bigFlow(name, n)) });
      if (!res.ok) throw new Error(`could not create ${name}: ${await res.text()}`);
      const opens: number[] = [];
      const drag: number[] = [];
      for (let r = 0; r < REPEAT; r++) {
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        await page.goto(`${server.url}/?token=${TOKEN}#/flows`);
        await page.getByRole('link', { name: 'Flows' }).waitFor();
        // Time to open: from the route change to the canvas drawing the flow's first node.
        const t0 = Date.now();
        await page.evaluate(`window.location.hash = '#/flows/${name}'`);
        await page.locator('[data-testid="node-n0"]').waitFor();
        opens.push(Date.now() - t0);
        const box = (await page.locator('[data-testid="node-n0"]').boundingBox())!;
        await page.mouse.move(box.x + 40, box.y + 12);
        await page.mouse.down();
        drag.push(...(await frames(page, async () => {
          for (let i = 1; i <= 60; i++) await page.mouse.move(box.x + 40 + i * 4, box.y + 12 + i * 2);
        })));
        await page.mouse.up();
        await page.close();
      }
      print({ bench: 'studio_canvas', nodes: n, edges: n, open_ms_median: pct(opens, 50), open_ms: opens, drag_frame_ms: { p50: round(pct(drag, 50)), p95: round(pct(drag, 95)), max: round(Math.max(...drag)) }, drag_frames: drag.length, fps_p50: round(1000 / pct(drag, 50)) });
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
