import type { PythonParam, PythonSignature } from '../../engine/sandbox/python/signature-types.ts';
import type { ConvertContext, PfNode, WeirNode } from './context.ts';
import { isObj, nodePath, str } from './context.ts';
import { coerceValue } from './inputs-outputs.ts';
import { isPromptflowPackage, moduleOf, requirementName } from './python-tools.ts';
import { isReference, rewriteReference } from './references.ts';

const PLACEHOLDER_SIGNATURE: PythonSignature = { function: 'not_converted', params: [], kwargs: true, returns: 'any', generator: false, imports: [] };

/**
 * A node that could not be converted, kept in the graph (so the flow still validates, its other
 * branches run, and the studio shows where the gap is) as a python node that fails with `message`.
 */
export function placeholderNode(name: string, inputs: Record<string, unknown>, message: string): WeirNode {
  const code = `def not_converted(**kwargs):\n    raise NotImplementedError(${JSON.stringify(message)})\n`;
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) kept[k] = rewriteReference(v).value;
  return { name, type: 'python', inputs: kept, config: { code, function: 'not_converted', signature: PLACEHOLDER_SIGNATURE } };
}

/** The function prompt flow's generated flow.tools.json names for a code file, if it has one. */
function toolsJsonFunction(ctx: ConvertContext, file: string): string | undefined {
  const read = ctx.files.text('.promptflow/flow.tools.json');
  if ('error' in read) return undefined;
  try {
    const doc = JSON.parse(read.text) as { code?: Record<string, { function?: unknown }> };
    return str(doc.code?.[file]?.function);
  } catch {
    return undefined;
  }
}

/** Without python3: the `@tool` function (or the only public one), found in the text. */
function guessFunction(text: string): string | undefined {
  const tool = /@tool(?:\([^)]*\))?\s*\n\s*(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(text);
  if (tool) return tool[1];
  const defs = [...text.matchAll(/^(?:async\s+)?def\s+([A-Za-z_]\w*)/gm)].map((m) => m[1]).filter((n) => !n.startsWith('_'));
  return defs.length === 1 ? defs[0] : undefined;
}

/** What the python node takes as an inline module: a relative .py path of plain names (nodes/lib/python-tool.ts). */
const MODULE_PATH = /^[A-Za-z0-9_][A-Za-z0-9_-]*(\/[A-Za-z0-9_][A-Za-z0-9_-]*)*\.py$/;
const MAX_MODULE_CHARS = 1024 * 1024;

const PARAM_PF_TYPE: Record<string, string> = { int: 'int', double: 'double', bool: 'bool', list: 'list', object: 'object' };

/** Top-level module names the flow folder itself provides (`utils.py`, a package folder). */
function localModules(ctx: ConvertContext): Set<string> {
  const out = new Set<string>();
  for (const p of ctx.files.files.keys()) {
    const top = p.split('/')[0];
    if (p.includes('/')) out.add(top);
    else if (top.endsWith('.py')) out.add(top.slice(0, -3));
  }
  return out;
}

/** `Union[CustomConnection, AzureOpenAIConnection]`, `Optional[OpenAIConnection]`, `A | B`: only connection classes. */
const CONNECTION_UNION = /^(?:(?:typing\.)?(?:Union|Optional)\[)?\s*(?:[\w.]*Connection|None)(?:\s*[,|]\s*(?:[\w.]*Connection|None))*\s*\]?$/;

/**
 * A parameter annotated with a union of connection classes takes a connection in prompt flow (the
 * object of whichever type the named connection is); the signature reader types only a single class
 * as one, so such a parameter is made a connection here, its class left to the connection's type.
 */
function withConnectionUnions(sig: PythonSignature): PythonSignature {
  const isUnion = (p: PythonParam) => p.type === 'any' && p.annotation !== undefined && /Connection/.test(p.annotation) && CONNECTION_UNION.test(p.annotation.trim());
  if (!sig.params.some(isUnion)) return sig;
  return { ...sig, params: sig.params.map((p) => (isUnion(p) ? { ...p, type: 'connection' as const } : p)) };
}

/** `type: python` with `source.type: code` → Weir's `python` node, its signature read without running it. */
export async function convertPython(n: PfNode, ctx: ConvertContext): Promise<WeirNode> {
  const { report } = ctx;
  const raw = n.raw;
  const source = isObj(raw.source) ? raw.source : {};
  const file = nodePath(source.path);
  const inputs0 = isObj(raw.inputs) ? raw.inputs : {};
  const what = (s: string) => `node ${n.name}: ${s}`;
  const at = (...p: (string | number)[]) => n.at([...n.path, ...p]);
  const target = `nodes.${n.name}`;
  if (!file) {
    report.add('not_converted', what('python tool'), { ...at('source'), target, why: 'the node names no code file (source.path)', todo: 'replace the placeholder node with the tool code' });
    return placeholderNode(n.name, inputs0, `node ${n.name} was not converted from prompt flow: it names no code file`);
  }
  const read = ctx.files.text(file);
  if ('error' in read) {
    report.add('not_converted', what(`python tool ${file}`), { ...at('source', 'path'), target, why: read.error, todo: `add ${file} to the flow folder and import again` });
    return placeholderNode(n.name, inputs0, `node ${n.name} was not converted from prompt flow: ${read.error}`);
  }
  const text = read.text;
  const hint = toolsJsonFunction(ctx, file);
  const sig = await ctx.python.signature(text, file, hint);
  const config: Record<string, unknown> = {};
  let signature: PythonSignature | undefined;
  if ('signature' in sig) {
    signature = withConnectionUnions(sig.signature);
    config.function = signature.function;
  } else {
    const fn = hint ?? guessFunction(text) ?? 'main';
    config.function = fn;
    report.add('attention', sig.unavailable ? what(`${file} written without its signature (no python3 at import time)`) : what(`the signature of ${file} could not be read`), {
      file, ...(sig.line === undefined ? {} : { line: sig.line }), target: `${target}.config.signature`,
      why: sig.error,
      todo: sig.unavailable ? 'install python3 (apt-get install python3) and import again, so validation can type-check the inputs' : `fix ${file} (function ${fn} was assumed)`,
    });
  }
  if (ctx.opts.inline) {
    config.code = text;
    const modules: Record<string, string> = {};
    for (const p of ctx.files.files.keys()) {
      if (p === file || !MODULE_PATH.test(p)) continue;
      const m = ctx.files.text(p);
      if ('text' in m && m.text.length <= MAX_MODULE_CHARS) modules[p] = m.text;
    }
    if (Object.keys(modules).length) config.modules = modules;
  } else {
    config.code_file = file;
    ctx.needed.add(file);
    for (const p of ctx.files.files.keys()) if (p.endsWith('.py') && !p.startsWith('.')) ctx.needed.add(p);
  }
  if (signature) config.signature = signature;
  if (ctx.requirements?.lines.length) config.requirements = ctx.requirements.lines;

  const params = new Map<string, PythonParam>((signature?.params ?? []).map((p) => [p.name, p]));
  const inputs: Record<string, unknown> = {};
  for (const [k, v0] of Object.entries(inputs0)) {
    const p = params.get(k);
    if (signature && !p && !signature.kwargs) {
      report.add('attention', what(`input ${k} left out`), { ...at('inputs', k), target: `${target}.inputs`, why: `${signature.function}() in ${file} has no parameter ${k} and no **kwargs`, todo: `add the parameter to ${signature.function}() if it is needed` });
      continue;
    }
    if (isReference(v0)) {
      const r = rewriteReference(v0);
      inputs[k] = r.value;
      if (r.changed) report.add('changed', what(`input ${k}: ${String(v0)} → ${String(r.value)}`), { ...at('inputs', k), why: 'Weir reads flow inputs as ${inputs.x}' });
      continue;
    }
    if (p?.type === 'connection') {
      inputs[k] = v0;
      report.add('attention', what(`input ${k} is connection ${String(v0)}`), { ...at('inputs', k), target: `${target}.inputs.${k}`, why: `${p.annotation ?? 'a connection'} is passed to the tool as the object prompt flow passes`, todo: `create connection ${String(v0)} in Weir (or import its YAML with --connection)` });
      continue;
    }
    const pfType = p ? PARAM_PF_TYPE[p.type] : undefined;
    if (pfType && typeof v0 === 'string') {
      const c = coerceValue(v0, pfType);
      inputs[k] = c.value;
      if (c.ok) report.add('changed', what(`input ${k} "${v0}" → ${JSON.stringify(c.value)}`), { ...at('inputs', k), target: `${target}.inputs.${k}`, why: `the parameter is ${p?.annotation ?? pfType}; prompt flow converts the text the same way` });
      else report.add('attention', what(`input ${k} "${v0}" is not a ${pfType}`), { ...at('inputs', k), target: `${target}.inputs.${k}`, why: `the parameter is ${p?.annotation ?? pfType}`, todo: 'fix the value' });
      continue;
    }
    inputs[k] = v0;
  }
  for (const p of signature?.params ?? []) {
    if (!p.has_default && !(p.name in inputs) && !(p.name in inputs0)) {
      report.add('attention', what(`parameter ${p.name} is not bound`), { ...at('inputs'), target: `${target}.inputs.${p.name}`, why: `${signature!.function}() needs it and the node gives no value`, todo: `bind inputs.${p.name}` });
    }
  }
  importsCheck(n, ctx, file, text, signature);
  report.add('converted', what(`python tool ${file} → python node (${String(config.function)})`), { ...at(), target });
  return { name: n.name, type: 'python', inputs, config };
}

/** Imports the worker cannot satisfy offline, and environment variables the tool expects. */
function importsCheck(n: PfNode, ctx: ConvertContext, file: string, text: string, signature: PythonSignature | undefined): void {
  const stdlib = ctx.python.stdlib();
  if (signature && stdlib) {
    const local = localModules(ctx);
    const outside = [...new Set(signature.imports.map((m) => m.split('.')[0]))].filter((m) => !stdlib.has(m) && m !== 'promptflow' && !local.has(m));
    if (outside.length) {
      const reqs = (ctx.requirements?.lines ?? []).map(requirementName).filter((x): x is string => !!x && !isPromptflowPackage(x));
      const listed = outside.filter((m) => reqs.some((r) => moduleOf(r) === m));
      const line = text.split(/\r?\n/).findIndex((l) => new RegExp(`^\\s*(from|import)\\s+${outside[0]}\\b`).test(l));
      ctx.report.add('attention', `node ${n.name}: ${file} imports ${outside.join(', ')}`, {
        file, ...(line >= 0 ? { line: line + 1 } : {}), target: `nodes.${n.name}.config.requirements`,
        why: `not in Python's standard library${listed.length === outside.length ? '' : `; ${outside.filter((m) => !listed.includes(m)).join(', ')} not in requirements.txt either`}. Weir installs requirements into a virtual environment per flow where a package index is reachable; offline the node fails with python_package_missing`,
        todo: 'run Weir where pip can reach a package index (or PIP_INDEX_URL), or rewrite the tool with the standard library',
      });
    }
  }
  const env = text.split(/\r?\n/).findIndex((l) => /\bos\.(environ|getenv)\b|\bload_dotenv\(/.test(l));
  if (env >= 0) {
    ctx.report.add('attention', `node ${n.name}: ${file} reads environment variables`, {
      file, line: env + 1,
      why: "Weir's Python workers run with a stripped environment (no variables of the server, no .env), so secrets stay out of tools' reach",
      todo: 'pass the values as node inputs, or take a connection parameter (AzureOpenAIConnection, CustomConnection …) and create that connection in Weir',
    });
  }
}
