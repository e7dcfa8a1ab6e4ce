/**
 * Prompt flow DAG flows (`flow.dag.yaml` and its files) → Weir flows, over files in memory so the
 * CLI (`weir import promptflow`) and the studio's import route share it. Nothing is dropped
 * silently: every decision is a report item with the prompt flow file and line it came from.
 */
import { NAME_PATTERN } from '../../engine/flow/schema.ts';
import { parseFlowText, writeFlowYaml } from '../../engine/flow/yaml-source.ts';
import { convertConnection, isConnectionDoc } from './connections.ts';
import { isObj, str, type ConvertContext, type WeirNode } from './context.ts';
import { copyNamedFiles } from './data-files.ts';
import { applyIncludes } from './includes.ts';
import { convertInputs, convertOutputs } from './inputs-outputs.ts';
import { convertNode } from './nodes.ts';
import { placeholderNode } from './python-node.ts';
import { isPromptflowPackage, moduleOf, PythonTools, requirementName } from './python-tools.ts';
import { Report, type Locator } from './report.ts';
import { relaxReturnTypes } from './return-types.ts';
import { pointReadersAtChunks } from './vector-readers.ts';
import { reportRunFiles } from './run-files.ts';
import { SourceFiles } from './source-files.ts';
import type { ImportedConnection, ImportFiles, ImportOptions, ImportResult } from './types.ts';
import { readVariants, variantFlowNames } from './variants.ts';

export type { ImportFiles, ImportOptions, ImportResult } from './types.ts';

/** Most nodes (and variants) one import converts; prompt flow's own flows have a handful. */
export const MAX_IMPORT_NODES = 1000;

const TOP_KEYS = new Set(['$schema', 'inputs', 'outputs', 'nodes', 'node_variants', 'environment', 'additional_includes', 'description', 'name', 'environment_variables', 'language', 'message_format', 'sample', 'display_name', 'tags', 'id']);

/** A Weir flow name from a folder name: `web-classification` stays, `my flow (v2)` → `my_flow_v2`. */
export function flowNameFrom(raw: string | undefined): string {
  const s = (raw ?? '').replace(/@.*$/, '').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 100);
  if (!s) return 'promptflow';
  return NAME_PATTERN.test(s) ? s : `flow_${s}`;
}

export async function importPromptflow(input: ImportFiles, opts: ImportOptions = {}): Promise<ImportResult> {
  const report = new Report();
  const files = new SourceFiles(input, report);
  const sourceName = files.dag ?? files.flex ?? '';
  const source = files.root && sourceName ? `${files.root}/${sourceName}` : sourceName;
  const failed = (what: string, d: Parameters<Report['add']>[2]): ImportResult => {
    report.add('not_converted', what, d);
    return { outcome: 'failed', flows: [], files: [], connections: [], report: { source, items: report.items } };
  };
  const FLEX_WHY = 'a flex flow is Python code with an entry function (or class), not a DAG of nodes: there is nothing to convert node by node';
  const FLEX_TODO = 'make a Weir flow with one python node calling the entry function (its parameters as flow inputs), or rebuild it as nodes';
  if (!files.dag && files.flex) return failed('flex flow', { file: files.flex, line: 1, why: FLEX_WHY, todo: FLEX_TODO });
  if (!files.dag) {
    const prompty = [...files.all.keys()].find((p) => p.endsWith('.prompty'));
    return failed('no flow.dag.yaml', {
      why: prompty ? `${prompty} is a prompty file (one prompt with its model settings), not a DAG flow` : 'the folder (or zip) holds no flow.dag.yaml: it is not a prompt flow DAG flow',
      todo: prompty ? 'make a Weir flow with one llm node and the prompt as its template' : 'point the import at the folder that holds flow.dag.yaml',
    });
  }
  const dag = files.dag;
  const read = files.text(dag);
  if ('error' in read) return failed(`${dag} not read`, { file: dag, why: read.error });
  const parsed = parseFlowText(read.text, dag);
  if (parsed.value === undefined || !isObj(parsed.value)) {
    const p = parsed.problems[0];
    return failed(`${dag} does not parse`, { file: dag, ...(p?.line ? { line: p.line } : {}), why: p ? `${p.code}: ${p.message}` : 'it is not a mapping', todo: 'fix the YAML' });
  }
  const doc = parsed.value;
  const at: Locator = (path) => {
    const pos = parsed.locate(path);
    return pos ? { file: dag, line: pos.line } : { file: dag };
  };
  if ('entry' in doc) return failed('flex flow', { ...at(['entry']), why: FLEX_WHY, todo: FLEX_TODO });
  if (!Array.isArray(doc.nodes)) return failed('no nodes', { ...at(['nodes']), why: 'nodes is not a list', todo: 'fix the flow file' });
  if (doc.nodes.length > MAX_IMPORT_NODES) return failed(`${doc.nodes.length} nodes`, { ...at(['nodes']), why: `an import takes at most ${MAX_IMPORT_NODES} nodes (each python node's signature is read with python3)`, todo: 'split the flow' });
  const name = flowNameFrom(opts.name ?? (files.root ? files.root.split('/').pop() : undefined));

  for (const k of Object.keys(doc)) {
    if (k === '$schema') report.add('changed', '$schema dropped', { ...at([k]), why: 'a Weir flow file declares weir: 1' });
    else if (k === 'language' && doc.language !== 'python') return failed(`language ${String(doc.language)}`, { ...at([k]), why: 'the flow runs tools in another language than Python', todo: 'rewrite its tools in Python' });
    else if (k === 'environment_variables') report.add('attention', 'environment_variables not converted', { ...at([k]), why: "Weir's Python workers get no environment variables", todo: 'pass values as node inputs, or put secrets in a connection' });
    else if (k === 'message_format' && doc.message_format !== 'basic') report.add('attention', `message_format ${String(doc.message_format)}`, { ...at([k]), why: 'Weir chat flows take text messages', todo: 'check the chat input' });
    else if (!TOP_KEYS.has(k)) report.add('attention', `${k} not converted`, { ...at([k]), why: 'the importer does not know this flow field', todo: 'check whether the Weir flow needs it' });
  }

  // Connections first: an llm node calls its model by the name its connection type expects.
  const connections: ImportedConnection[] = [];
  const connectionFiles = new Set<string>();
  const connectionTypes = new Map<string, string>();
  for (const p of files.all.keys()) {
    if (!/\.ya?ml$/i.test(p) || p === (files.root ? `${files.root}/${dag}` : dag)) continue;
    const t = files.uploadText(p);
    if ('error' in t || !/Connection\.schema|^type\s*:/m.test(t.text)) continue;
    const probe = parseFlowText(t.text, p);
    if (!isConnectionDoc(probe.value)) continue;
    connectionFiles.add(p);
    const c = convertConnection(t.text, p, opts.env ?? {}, report);
    if (!c) continue;
    if (connections.some((x) => x.name === c.name)) {
      report.add('attention', `connection ${c.name} defined twice`, { file: p, why: 'two connection files share the name; the first was kept', todo: 'rename one' });
      continue;
    }
    connections.push(c);
    connectionTypes.set(c.name, (probe.value as Record<string, unknown>).type as string);
  }

  const needed = new Set<string>();
  applyIncludes(doc.additional_includes, files, at, report, needed);

  const variants = readVariants(doc.node_variants, at, report);
  if (variants.others.length + variants.defaults.size > MAX_IMPORT_NODES) return failed('node_variants', { ...at(['node_variants']), why: `more than ${MAX_IMPORT_NODES} variants`, todo: 'keep the variants you compare' });
  const ctx: ConvertContext = { files, report, opts, dagFile: dag, connectionTypes, needed, python: new PythonTools() };
  const hasPython = [...(doc.nodes as unknown[]), ...variants.others.map((v) => v.raw), ...[...variants.defaults.values()].map((v) => v.raw)].some((n) => isObj(n) && n.type === 'python' && !(isObj(n.source) && n.source.type === 'package'));
  readEnvironment(doc.environment, ctx, at, hasPython);

  const inputs = convertInputs(doc.inputs, at, report);
  const outputs = convertOutputs(doc.outputs, at, report);

  const nodes: WeirNode[] = [];
  const rawNodes = doc.nodes as unknown[];
  for (let i = 0; i < rawNodes.length; i++) {
    const raw = rawNodes[i];
    const nodeName = isObj(raw) ? str(raw.name) : undefined;
    if (!isObj(raw) || !nodeName) {
      report.add('not_converted', `nodes[${i}]`, { ...at(['nodes', i]), why: 'it is not a node with a name', todo: 'fix the flow file' });
      continue;
    }
    if (raw.use_variants === true) {
      const v = variants.defaults.get(nodeName);
      if (!v) {
        report.add('not_converted', `node ${nodeName}: use_variants`, { ...at(['nodes', i]), why: 'node_variants has no default variant for it', todo: 'add its variants' });
        nodes.push(placeholderNode(nodeName, {}, `node ${nodeName} was not converted from prompt flow: its variants are missing`));
        continue;
      }
      const merged = { ...v.raw, ...Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'use_variants' && k !== 'name')) };
      nodes.push(await convertNode({ raw: merged, name: nodeName, path: v.path, at }, ctx));
      report.add('converted', `node ${nodeName}: default variant ${v.id} in the main flow`, { ...at(['nodes', i, 'use_variants']), target: `nodes.${nodeName}` });
      continue;
    }
    nodes.push(await convertNode({ raw, name: nodeName, path: ['nodes', i], at }, ctx));
  }

  const relaxed = new Set<string>();
  pointReadersAtChunks(nodes, outputs, report, relaxed);
  relaxReturnTypes(nodes, outputs, report, relaxed);
  const description = str(doc.description);
  const main = { weir: 1, name, ...(description ? { description } : {}), skip_when: 'all_inputs_skipped', ...(Object.keys(inputs).length ? { inputs } : {}), ...(Object.keys(outputs).length ? { outputs } : {}), nodes };
  report.add('changed', 'skip_when: all_inputs_skipped', { target: 'skip_when', why: "prompt flow's bypass rule: a node is skipped only when every node it reads was skipped, and a skipped input arrives as null (or the Python parameter's default)" });
  const flows = [{ name, yaml: flowYaml(main, source) }];

  const names = variantFlowNames(name, variants.others);
  const variantFlows = new Map<string, string>();
  for (const v of variants.others) {
    const flowName = names.get(v)!;
    const index = nodes.findIndex((x) => x.name === v.node);
    if (index < 0) {
      report.add('attention', `variant ${v.id} of ${v.node} not used`, { ...at(v.path), why: `no node ${v.node} has use_variants: true`, todo: 'check the flow' });
      continue;
    }
    const node = await convertNode({ raw: v.raw, name: v.node, path: v.path, at }, ctx);
    const vnodes = nodes.map((x, i) => (i === index ? node : x));
    pointReadersAtChunks(vnodes, outputs, report, relaxed);
    relaxReturnTypes(vnodes, outputs, report, relaxed);
    flows.push({ name: flowName, yaml: flowYaml({ ...main, name: flowName, nodes: vnodes }, source) });
    variantFlows.set(`${v.node}.${v.id}`, flowName);
    report.add('converted', `variant ${v.id} of node ${v.node} → flow ${flowName}`, {
      ...at(v.path), target: flowName,
      why: `the same flow as ${name} except node ${v.node}`,
      todo: `compare them over the same data: weir run ${name}.flow.yaml --data data.jsonl --output ${name}.jsonl, and weir run ${flowName}.flow.yaml --data data.jsonl --output ${flowName}.jsonl (then score each with an evaluation flow: --run <output.jsonl>)`,
    });
  }

  const runs = reportRunFiles(files, dag, name, variantFlows, report);
  for (const d of runs.data) needed.add(d);
  // The sample data prompt flow examples keep beside the flow: what `weir run --data` needs first.
  if (files.has('data.jsonl')) needed.add('data.jsonl');
  copyNamedFiles(nodes, inputs, files, needed, (p) => connectionFiles.has(files.root ? `${files.root}/${p}` : p), report, opts.inline === true);
  const out: { path: string; content: string }[] = [];
  if (!opts.inline) {
    for (const p of [...needed].sort()) {
      if (connectionFiles.has(files.root ? `${files.root}/${p}` : p)) continue;
      const t = files.text(p);
      if ('error' in t) {
        report.add('attention', `${p} not copied`, { file: p, why: t.error, todo: `copy ${p} beside the Weir flow by hand` });
        continue;
      }
      out.push({ path: p, content: t.text });
    }
  }
  return { outcome: report.needsAttention() ? 'attention' : 'converted', flows, files: out, connections, report: { source, items: report.items } };
}

function flowYaml(flow: Record<string, unknown>, source: string): string {
  return `# Imported from prompt flow (${source}) by weir import promptflow; import-report.json says what changed.\n${writeFlowYaml(flow)}`;
}

/** `environment`: requirements.txt lines for every python node; a container image Weir cannot use. */
function readEnvironment(env: unknown, ctx: ConvertContext, at: Locator, hasPython: boolean): void {
  if (env === undefined || env === null) return;
  if (!isObj(env)) return void ctx.report.add('attention', 'environment not read', { ...at(['environment']), why: 'it is not a mapping' });
  for (const k of Object.keys(env)) {
    if (k === 'python_requirements_txt') continue;
    ctx.report.add('attention', `environment.${k} not converted`, { ...at(['environment', k]), why: k === 'image' ? 'Weir runs Python tools with python3 and the requirements, not in a container image' : 'the importer does not know this field', todo: k === 'image' ? 'list what the image adds in requirements.txt' : 'check whether the tools need it' });
  }
  const file = str(env.python_requirements_txt);
  if (!file) return;
  const read = ctx.files.text(file);
  if ('error' in read) return void ctx.report.add('attention', `requirements ${file} not read`, { ...at(['environment', 'python_requirements_txt']), why: read.error, todo: `add ${file}` });
  const lines = read.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  ctx.requirements = { file, lines };
  if (!hasPython) return void ctx.report.add('changed', `requirements ${file} not used`, { file, line: 1, why: 'the flow has no python nodes' });
  const stdlib = ctx.python.stdlib();
  const packages = lines.map(requirementName).filter((x): x is string => !!x && !isPromptflowPackage(x) && !stdlib?.has(moduleOf(x)));
  if (packages.length) {
    ctx.report.add('attention', `requirements: ${packages.join(', ')}`, {
      file, line: read.text.split(/\r?\n/).findIndex((l) => requirementName(l) === packages[0]) + 1, target: 'python nodes: config.requirements',
      why: 'Weir installs them into a virtual environment per flow where a package index is reachable; offline (no index) a python node importing one fails with python_package_missing',
      todo: 'run Weir where pip reaches a package index (or set PIP_INDEX_URL), or do without them',
    });
  } else {
    ctx.report.add('converted', `requirements ${file}`, { file, line: 1, target: 'python nodes: config.requirements', why: 'promptflow and promptflow-tools are provided by the stand-in package Weir bundles' });
  }
}
