/**
 * Engine overhead per node, through the path users take: flow definition → validate → compile →
 * run, with an event listener attached and the trace kept. Prints JSON lines.
 * Baseline in the same run: a hand-written loop of awaited functions doing the same pass-through.
 */
import os from 'node:os';
import { z } from 'zod';
import { compileFlow } from '../engine/flow/compile.ts';
import { defineNode } from '../engine/node-definition.ts';
import { NodeRegistry } from '../engine/registry.ts';
import { runFlow } from '../engine/run/executor.ts';
import type { RunEvent } from '../engine/run/events.ts';

// A user-defined node type, registered the way any custom node is.
const pass = defineNode({
  type: 'pass', title: 'Pass', category: 'bench', description: 'returns its first input',
  inputs: {}, extraInputs: z.any(), output: z.any(), config: z.object({}).strict(),
  run: (_ctx, inputs) => inputs.in0,
});
// The same node as an async function: every node then costs a promise, as most real nodes do.
const passAsync = defineNode({ ...pass, type: 'pass_async', run: async (_ctx, inputs) => inputs.in0 });
const registry = new NodeRegistry([pass, passAsync]);

type Node = { name: string; type: string; inputs: Record<string, string> };

function shape(kind: string, n: number, type: string) {
  const nodes: Node[] = [];
  const add = (name: string, deps: string[]) =>
    nodes.push({ name, type, inputs: deps.length ? Object.fromEntries(deps.map((d, i) => [`in${i}`, `\${${d}.output}`])) : { in0: '${inputs.x}' } });
  if (kind === 'chain') for (let i = 0; i < n; i++) add(`n${i}`, i ? [`n${i - 1}`] : []);
  if (kind === 'fanout') {
    add('src', []);
    for (let i = 0; i < n - 2; i++) add(`m${i}`, ['src']);
    add('sink', Array.from({ length: n - 2 }, (_, i) => `m${i}`));
  }
  if (kind === 'lattice') {
    const width = Math.round(Math.sqrt(n));
    for (let i = 0; i < n; i++) {
      const layer = Math.floor(i / width), col = i % width;
      add(`n${i}`, layer === 0 ? [] : [`n${(layer - 1) * width + col}`, `n${(layer - 1) * width + ((col + 1) % width)}`]);
    }
  }
  const last = nodes[nodes.length - 1].name;
  return { weir: 1, name: `${kind}-${n}`, inputs: { x: { type: 'string' } }, outputs: { out: `\${${last}.output}` }, nodes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);
const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, mem_gb: Math.round(os.totalmem() / 2 ** 30) };
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

async function handWritten(n: number): Promise<number> {
  const fns = Array.from({ length: n }, () => async (v: string) => v);
  const times: number[] = [];
  const warm = Math.max(5, Math.ceil(20_000 / n));
  for (let r = 0; r < RUNS + warm; r++) {
    const t = performance.now();
    let v = 'x';
    for (const f of fns) v = await f(v);
    if (r >= warm) times.push(performance.now() - t);
  }
  return median(times);
}

for (const n of [100, 1000]) {
  const base = await handWritten(n);
  console.log(JSON.stringify({ shape: 'hand-written-await-loop', N: n, us_per_node: +((base * 1000) / n).toFixed(3), ms_per_run: +base.toFixed(4), rss_mb: rssMb(), machine }));
  for (const [kind, type] of ['chain', 'fanout', 'lattice'].flatMap((k) => [[k, 'pass'], [k, 'pass_async']])) {
    const doc = shape(kind, n, type);
    // Each compile reads a fresh copy of the definition, as a server reading a stored flow would.
    const copies = Array.from({ length: 25 }, () => structuredClone(doc));
    const compileTimes: number[] = [];
    let plan = compileFlow(doc, { registry });
    copies.forEach((copy, i) => {
      const t = performance.now();
      plan = compileFlow(copy, { registry });
      if (i >= 5) compileTimes.push(performance.now() - t);
    });
    const times: number[] = [];
    let events = 0;
    const onEvent = (_e: RunEvent) => void events++;
    // Warm up until ~20k nodes have run, so the JIT has compiled the hot path at every N.
    const warm = Math.max(5, Math.ceil(20_000 / n));
    for (let r = 0; r < RUNS + warm; r++) {
      const t = performance.now();
      const result = await runFlow(plan, { x: 'hi' }, { onEvent });
      const ms = performance.now() - t;
      if (result.status !== 'succeeded' || result.trace.length !== n) throw new Error(`bench run failed: ${JSON.stringify(result.error)}`);
      if (r >= warm) times.push(ms);
    }
    const ms = median(times);
    console.log(JSON.stringify({
      shape: kind, node: type === 'pass' ? 'sync' : 'async', N: n, us_per_node: +((ms * 1000) / n).toFixed(3), ms_per_run: +ms.toFixed(3), rss_mb: rssMb(),
      compile_ms: +median(compileTimes).toFixed(2), events_per_run: events / (RUNS + warm), runs: RUNS, warmup_runs: warm, machine,
    }));
  }
}
