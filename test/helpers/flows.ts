import { compileFlow, type Plan } from '../../engine/flow/compile.ts';
import type { RunEvent } from '../../engine/run/events.ts';
import { runFlow, type RunOptions, type RunResult } from '../../engine/run/executor.ts';
import { testRegistry } from './test-nodes.ts';

export const registry = testRegistry();

type NodeSpec = { name: string; type: string; [k: string]: unknown };

/** A flow document in the file format, from a compact description. */
export function flow(nodes: NodeSpec[], outputs: Record<string, string>, inputs: Record<string, unknown> = {}): Record<string, unknown> {
  return { weir: 1, name: 'test-flow', inputs, outputs, nodes };
}

export function plan(nodes: NodeSpec[], outputs: Record<string, string>, inputs: Record<string, unknown> = {}): Plan {
  return compileFlow(flow(nodes, outputs, inputs), { registry });
}

/** Runs a plan and collects its events and wall time. */
export async function run(p: Plan, inputs: Record<string, unknown> = {}, opts: RunOptions = {}): Promise<{ result: RunResult; events: RunEvent[]; ms: number }> {
  const events: RunEvent[] = [];
  const t = performance.now();
  const result = await runFlow(p, inputs, { ...opts, onEvent: (e) => events.push(e) });
  return { result, events, ms: performance.now() - t };
}

export const nodeOf = (r: RunResult, name: string) => r.trace.find((t) => t.node === name)!;
