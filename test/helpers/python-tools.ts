import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonNode } from '../../nodes/python.ts';
import { readToolSignature } from '../../engine/sandbox/python/signature.ts';
import type { NodeContext } from '../../engine/node-definition.ts';
import { makeContext, runNode, type TestContext, type TestContextOptions } from './nodes/test-context.ts';

/** Helpers for the `python` node's tests (*.python.test.ts: they start real python3 workers). */

export { hasPromptflowDev as hasDevSet, NEEDS_DEV_SET as NEEDS_DEV, PROMPTFLOW_DEV } from './promptflow-dev.ts';

/** A node config for inline code, with its signature read the way the importer reads it. */
export async function inlineTool(code: string, fn: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return { code, function: fn, signature: await readToolSignature(code, { function: fn }), ...extra };
}

/** What a context recorded besides logs: metrics. */
export interface PyContext extends TestContext {
  metrics: [string, number][];
}

export function pyContext(opts: TestContextOptions = {}): PyContext {
  const ctx = makeContext(opts) as PyContext;
  ctx.metrics = [];
  ctx.logMetric = (name: string, value: number) => void ctx.metrics.push([name, value]);
  return ctx;
}

export function runPython(config: Record<string, unknown>, inputs: Record<string, unknown>, ctx: NodeContext = pyContext()): Promise<unknown> {
  return runNode(pythonNode, config, inputs, ctx);
}

/** A temp flow folder holding `files`; removed by the returned function. */
export function tempFlowDir(files: Record<string, string>): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-pyflow-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether a process is still there (a zombie not yet reaped counts as gone once Node has reaped it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded: a liveness check, not a timing figure) until `pid` is gone; whether it is. */
export async function processGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 25));
  return !processAlive(pid);
}
