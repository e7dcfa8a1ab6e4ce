import { z } from 'zod';
import { defineNode, type CheckProblem } from '../engine/node-definition.ts';
import { WeirError } from '../engine/errors.ts';
import { sameData } from '../engine/flow/yaml-write.ts';
import { poolKey } from '../engine/sandbox/python/pool.ts';
import { readToolSignature } from '../engine/sandbox/python/signature.ts';
import { callTool, type PreparedTool } from './lib/python-call.ts';
import { isProblem, loadToolSource, MODULE_PATH, portsOf, signatureSchema, sourceError, toolSpec } from './lib/python-tool.ts';

const MAX_SOURCE = 1024 * 1024;

const config = z
  .object({
    code: z.string().min(1).max(MAX_SOURCE).optional().describe('The Python source of the tool, inline (a stored or imported flow). Give this or code_file.'),
    code_file: z.string().min(1).max(500).optional().describe('The tool\'s .py file, relative to the flow folder and inside it; the other .py files of its folder are importable beside it.'),
    function: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a Python function name')
      .describe('The tool function to call (prompt flow\'s `@tool` function).'),
    signature: signatureSchema
      .optional()
      .describe('The function\'s parameters and types, read from the source at import or publish time, so validation needs no Python. Absent: the node takes any inputs, untyped.'),
    requirements: z
      .array(z.string().max(500))
      .max(200)
      .optional()
      .describe('requirements.txt lines; what is not importable already is installed into a per-requirements virtual environment when a package index is reachable.'),
    modules: z
      .record(z.string().regex(MODULE_PATH, 'a relative .py path'), z.string().max(MAX_SOURCE))
      .optional()
      .describe('Other .py files of the flow folder, inline, by relative path (for stored flows): the tool can import them.'),
    timeout_seconds: z.number().positive().max(3600).optional().describe('Wall-clock limit per call (default 60 s); past it the worker is stopped and the node fails with node_timeout.'),
    cpu_seconds: z.number().int().positive().max(3600).optional().describe('CPU-time limit per call (default 30 s).'),
    memory_mb: z.number().int().min(64).max(65536).optional().describe('Address-space limit of a worker in MiB (default 512).'),
  })
  .strict()
  .superRefine((c, issues) => {
    if ((c.code === undefined) === (c.code_file === undefined)) {
      issues.addIssue({ code: 'custom', path: ['code'], message: 'give exactly one of code or code_file' });
    }
  });

type Config = z.output<typeof config>;

function problems(c: Config, flowDir: string | undefined): CheckProblem[] {
  const out: CheckProblem[] = [];
  const loaded = loadToolSource(c, flowDir);
  if (isProblem(loaded)) out.push(loaded);
  if (c.signature && c.signature.function !== c.function) {
    out.push({ code: 'python_signature', message: `signature is for function "${c.signature.function}" but function is "${c.function}"`, path: ['signature', 'function'] });
  }
  return out;
}

export const pythonNode = defineNode({
  type: 'python',
  title: 'Python',
  category: 'code',
  description: 'Runs a Python tool function (prompt flow\'s @tool) in an isolated worker process, with CPU, memory and time limits.',
  inputs: {},
  extraInputs: z.any(),
  output: z.any(),
  config,
  streams: true,
  acceptsSkippedInputs: true,
  ports: (c) => portsOf(c.signature),
  // Inline code edited since its import (in the studio) would otherwise keep stale ports.
  async atPublish(c) {
    if (c.code === undefined) return undefined;
    let signature;
    try {
      signature = await readToolSignature(c.code, { function: c.function, file: 'code' });
    } catch (err) {
      // Without python3 the stored signature stands (validation needs none); bad code refuses the publish.
      if (err instanceof WeirError && err.code === 'python_unavailable') return undefined;
      throw err;
    }
    return sameData(signature, c.signature) ? undefined : { ...c, signature };
  },
  check: (c, env) => problems(c, env.flowDir),
  prepare(c, env): PreparedTool {
    const loaded = loadToolSource(c, env.flowDir);
    if (isProblem(loaded)) throw sourceError(loaded);
    const spec = toolSpec(loaded, c);
    return { spec, key: poolKey(spec), signature: c.signature };
  },
  run: (ctx, inputs, _c, prepared) => callTool(ctx, inputs, prepared),
});
