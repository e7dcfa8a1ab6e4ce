/**
 * Python node benchmark (issue #18): calls per second of a trivial tool (`add(a, b)`) through the
 * `python` node — a long-lived worker per flow version, JSON lines over pipes — against what a naive
 * runner pays: a fresh `python3 -c` process per call. Same machine, same run, same python3.
 * BENCH_CALLS (default 2000) calls through the node, one after another and 4 at a time;
 * BENCH_SPAWNS (default 100) spawned calls. Prints JSON lines.
 */
import { execFile } from 'node:child_process';
import { pythonNode } from '../nodes/python.ts';
import { RunNodeContext } from '../engine/run/node-context.ts';
import { closePythonPools, pythonPoolStats } from '../engine/sandbox/python/pool.ts';
import { pythonExecutable } from '../engine/sandbox/python/python-runtime.ts';
import { readToolSignature } from '../engine/sandbox/python/signature.ts';
import { machine } from './lib/weir-process.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const SPAWNS = Number(process.env.BENCH_SPAWNS ?? 100);
const CODE = 'from promptflow.core import tool\n\n@tool\ndef add(a: int, b: int) -> int:\n    return a + b\n';

const ctx = new RunNodeContext('bench', 'add', 1, new AbortController().signal, undefined, {}, () => {});
const config = pythonNode.config.parse({ code: CODE, function: 'add', signature: await readToolSignature(CODE) });
const prepared = pythonNode.prepare!(config, {});
const call = (i: number) => pythonNode.run(ctx, { a: i, b: 1 }, config, prepared) as Promise<unknown>;

async function throughNode(concurrency: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < CALLS; i = next++) {
        if ((await call(i)) !== i + 1) throw new Error(`wrong answer for ${i}`);
      }
    }),
  );
  return CALLS / ((performance.now() - t0) / 1000);
}

/** The naive runner: one python3 process per call, the tool's code and the arguments on its command line. */
async function spawnPerCall(): Promise<number> {
  const exe = pythonExecutable();
  const script = 'import json, sys\n\ndef add(a: int, b: int) -> int:\n    return a + b\n\nprint(json.dumps(add(**json.loads(sys.argv[1]))))';
  const t0 = performance.now();
  for (let i = 0; i < SPAWNS; i++) {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(exe, ['-I', '-S', '-B', '-c', script, JSON.stringify({ a: i, b: 1 })], (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    if (Number(out) !== i + 1) throw new Error(`wrong answer for ${i}: ${out}`);
  }
  return SPAWNS / ((performance.now() - t0) / 1000);
}

const python = await new Promise<string>((resolve) => execFile(pythonExecutable(), ['-c', 'import sys; print(sys.version.split()[0])'], (_e, out) => resolve(out.trim())));
await call(0); // the worker's start is not what is measured
const sequential = await throughNode(1);
const workersSequential = pythonPoolStats().started;
await Promise.all([0, 1, 2, 3].map(call)); // nor are the starts of the other three
const parallel = await throughNode(4);
const spawned = await spawnPerCall();
const workers = pythonPoolStats().started;
await closePythonPools();
const round = (x: number) => Math.round(x * 10) / 10;
console.log(JSON.stringify({ case: 'python-node', calls: CALLS, calls_per_s: round(sequential), concurrency: 1, workers_started: workersSequential, python, machine }));
console.log(JSON.stringify({ case: 'python-node', calls: CALLS, calls_per_s: round(parallel), concurrency: 4, workers_started: workers, python, machine }));
console.log(JSON.stringify({ case: 'python3-spawn-per-call', calls: SPAWNS, calls_per_s: round(spawned), concurrency: 1, python, machine }));
console.log(JSON.stringify({ case: 'speedup', node_vs_spawn: round(sequential / spawned) }));
