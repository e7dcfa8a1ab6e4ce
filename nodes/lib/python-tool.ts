import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CheckProblem, Connection, NodePorts } from '../../engine/node-definition.ts';
import { WeirError } from '../../engine/errors.ts';
import type { PythonToolSpec } from '../../engine/sandbox/python/pool.ts';
import type { WireConnection } from '../../engine/sandbox/python/protocol.ts';
import { SCHEMA_OF_VALUE_TYPE, type PythonSignature, type PythonValueType } from '../../engine/sandbox/python/signature-types.ts';
import { resolveInside } from './templates.ts';

/** The module name an inline tool is written under; messages call it `code`. */
export const INLINE_MODULE = 'weir_inline_tool';
const MAX_SOURCE = 1024 * 1024;
const MAX_FOLDER_FILES = 200;

const VALUE_TYPES = ['string', 'int', 'double', 'bool', 'list', 'object', 'any', 'connection'] as const satisfies readonly PythonValueType[];

export const signatureSchema = z
  .object({
    function: z.string(),
    params: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
            type: z.enum(VALUE_TYPES),
            annotation: z.string().optional(),
            has_default: z.boolean(),
            default: z.unknown().optional(),
            connection_class: z.string().optional(),
          })
          .strict(),
      )
      .max(200),
    kwargs: z.boolean(),
    returns: z.enum(VALUE_TYPES),
    generator: z.boolean(),
    imports: z.array(z.string()).max(500),
  })
  .strict();

/** Other .py files of the flow folder, by relative path: segments of letters, digits, _ and -. */
export const MODULE_PATH = /^[A-Za-z0-9_][A-Za-z0-9_-]*(\/[A-Za-z0-9_][A-Za-z0-9_-]*)*\.py$/;

export interface ToolSource {
  code?: string;
  code_file?: string;
  modules?: Record<string, string>;
}

export interface LoadedSource {
  files: Map<string, string>;
  module: string;
}

/** One loader for both `check` (report) and `prepare` (throw), so they cannot disagree. */
export function loadToolSource(c: ToolSource, flowDir: string | undefined): LoadedSource | CheckProblem {
  const files = new Map<string, string>();
  for (const [rel, text] of Object.entries(c.modules ?? {})) files.set(rel, text);
  if (c.code !== undefined) {
    files.set(`${INLINE_MODULE}.py`, c.code);
    return { files, module: INLINE_MODULE };
  }
  const rel = c.code_file ?? '';
  if (flowDir === undefined) {
    return { code: 'python_code_not_found', message: `code_file "${rel}" needs a flow folder; a stored flow carries its Python inline (code, modules)`, path: ['code_file'] };
  }
  const full = resolveInside(flowDir, rel);
  if (full === undefined) return { code: 'python_code_outside_flow', message: `code_file "${rel}" is outside the flow folder`, path: ['code_file'] };
  if (!full.endsWith('.py')) return { code: 'python_code_not_found', message: `code_file "${rel}" is not a .py file`, path: ['code_file'] };
  if (!existsSync(full) || !statSync(full).isFile()) return { code: 'python_code_not_found', message: `code_file "${rel}" does not exist`, path: ['code_file'] };
  // The tool's folder is copied beside it (its other .py files are what `import helpers` finds); never run in place.
  const dir = path.dirname(full);
  const siblings = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.py') && MODULE_PATH.test(e.name));
  for (const e of siblings.slice(0, MAX_FOLDER_FILES)) {
    const p = resolveInside(flowDir, path.relative(flowDir, path.join(dir, e.name)));
    if (p === undefined || statSync(p).size > MAX_SOURCE) continue;
    if (!files.has(e.name)) files.set(e.name, readFileSync(p, 'utf8'));
  }
  const module = path.basename(full, '.py');
  files.set(`${module}.py`, readFileSync(full, 'utf8'));
  return { files, module };
}

export function isProblem(x: LoadedSource | CheckProblem): x is CheckProblem {
  return typeof (x as CheckProblem).code === 'string';
}

/** The spec a pool is made for (limits filled in). */
export function toolSpec(loaded: LoadedSource, c: { function: string; requirements?: string[]; timeout_seconds?: number; cpu_seconds?: number; memory_mb?: number }): PythonToolSpec {
  return {
    files: loaded.files,
    module: loaded.module,
    function: c.function,
    requirements: c.requirements ?? [],
    limits: { timeoutSeconds: c.timeout_seconds ?? 60, cpuSeconds: c.cpu_seconds ?? 30, memoryMb: c.memory_mb ?? 512 },
    label: shownFile(`${loaded.module}.py`),
  };
}

/** Typed ports from the signature; without one, any inputs (nothing to type-check against). */
export function portsOf(signature: PythonSignature | undefined): NodePorts {
  if (!signature) return { inputs: {}, required: [], extra: true };
  const inputs: NodePorts['inputs'] = {};
  for (const p of signature.params) inputs[p.name] = { ...SCHEMA_OF_VALUE_TYPE[p.type], ...(p.annotation ? { title: p.annotation } : {}) };
  return {
    inputs,
    required: signature.params.filter((p) => !p.has_default).map((p) => p.name),
    extra: signature.kwargs,
    output: SCHEMA_OF_VALUE_TYPE[signature.returns],
  };
}

/** The prompt flow class a connection arrives as: the one annotated, else by the connection's type. */
export function wireConnection(c: Connection, annotated?: string): WireConnection {
  const azure = c.type === 'azure_openai' || c.settings.flavor === 'azure';
  const cls = annotated && annotated !== 'Connection' ? annotated : azure ? 'AzureOpenAIConnection' : c.type === 'openai' ? 'OpenAIConnection' : 'CustomConnection';
  return { class: cls, name: c.name, type: c.type, settings: c.settings, secrets: c.secrets };
}

/** How a message names the tool's file: `code` for inline code. */
export const shownFile = (file: string): string => (file === `${INLINE_MODULE}.py` ? 'code' : file);

export function sourceError(problem: CheckProblem): WeirError {
  return new WeirError(problem.code, problem.message, { path: ['config', ...(problem.path ?? [])] });
}

export const sizeOk = (text: string): boolean => text.length <= MAX_SOURCE;
