import { NAME_PATTERN, RESERVED_NAMES } from '../../engine/flow/schema.ts';
import type { ConvertContext, PfNode, WeirNode } from './context.ts';
import { isObj, str } from './context.ts';
import { convertLlm, templateConfig } from './llm-node.ts';
import { convertPackage, LLM_TOOLS, VISION_TOOLS } from './package-tools.ts';
import { convertPython, placeholderNode } from './python-node.ts';
import { rewriteReference } from './references.ts';

/** Node keys the importer reads; any other is reported, never silently lost. */
const NODE_KEYS = new Set(['name', 'type', 'source', 'inputs', 'api', 'connection', 'provider', 'module', 'aggregation', 'activate', 'use_variants', 'comment', 'tool', 'template', 'enable_kwargs']);

/** `type: prompt` → Weir's `prompt` node: its template, the inputs as the template's variables. */
function convertPrompt(n: PfNode, ctx: ConvertContext): WeirNode {
  const inputs0 = isObj(n.raw.inputs) ? n.raw.inputs : {};
  const inputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs0)) inputs[k] = rewriteReference(v).value;
  const config = templateConfig(n, ctx, false);
  ctx.report.add('converted', `node ${n.name}: prompt → prompt`, { ...n.at(n.path), target: `nodes.${n.name}` });
  return { name: n.name, type: 'prompt', inputs, config };
}

async function convertBody(n: PfNode, ctx: ConvertContext): Promise<WeirNode> {
  const raw = n.raw;
  const type = str(raw.type) ?? '';
  const source = isObj(raw.source) ? raw.source : {};
  const sourceType = str(source.type) ?? (raw.tool !== undefined ? 'package' : 'code');
  const tool = str(source.tool) ?? str(raw.tool);
  if (type === 'prompt') return convertPrompt(n, ctx);
  if (type === 'llm') {
    const node = convertLlm(n, ctx);
    ctx.report.add('converted', `node ${n.name}: llm → llm`, { ...n.at(n.path), target: `nodes.${n.name}` });
    return node;
  }
  if (type === 'python' && sourceType === 'code') return convertPython(n, ctx);
  if (type === 'python' && sourceType === 'package') return convertPackage(n, ctx);
  if (type === 'custom_llm' && tool && (LLM_TOOLS.has(tool) || VISION_TOOLS.has(tool))) {
    const node = convertLlm(n, ctx, { vision: VISION_TOOLS.has(tool) });
    ctx.report.add('converted', `node ${n.name}: custom_llm ${tool} → llm`, { ...n.at(n.path), target: `nodes.${n.name}` });
    return node;
  }
  const label = type === 'custom_llm' ? `custom_llm tool ${tool ?? '(none)'}` : `node type ${type || '(none)'}${tool ? ` (${tool})` : ''}`;
  ctx.report.add('not_converted', `node ${n.name}: ${label}`, {
    ...n.at([...n.path, 'type']), target: `nodes.${n.name}`,
    why: 'Weir has no equivalent; the node is kept as a python node that fails with this message, so the rest of the flow still validates and runs',
    todo: 'replace the node with a Weir node (llm, prompt, python, http …)',
  });
  return placeholderNode(n.name, isObj(raw.inputs) ? raw.inputs : {}, `node ${n.name} was not converted from prompt flow: ${label} has no Weir equivalent; replace this node`);
}

/** One prompt flow node → one Weir node, with the keys every node type shares (activate, aggregation). */
export async function convertNode(n: PfNode, ctx: ConvertContext): Promise<WeirNode> {
  const node = await convertBody(n, ctx);
  const raw = n.raw;
  const at = (...p: (string | number)[]) => n.at([...n.path, ...p]);
  if (!NAME_PATTERN.test(n.name) || RESERVED_NAMES.has(n.name)) {
    ctx.report.add('attention', `node name ${n.name}`, { ...at('name'), why: 'Weir node names are letters, digits, _ and -, not starting with a digit, and not inputs, outputs, flow or map', todo: 'rename the node and the references to it' });
  }
  const comment = str(raw.comment);
  if (comment) node.description = comment;
  if (isObj(raw.activate)) {
    const when = rewriteReference(raw.activate.when);
    node.activate = { when: when.value, is: raw.activate.is };
    ctx.report.add('converted', `node ${n.name}: activate`, { ...at('activate'), target: `nodes.${n.name}.activate`, why: "kept with prompt flow's bypass rule (skip_when: all_inputs_skipped)" });
  }
  if (raw.aggregation === true) {
    node.aggregation = true;
    ctx.report.add('converted', `node ${n.name}: aggregation`, { ...at('aggregation'), target: `nodes.${n.name}.aggregation`, why: 'runs once after all lines of a batch run (weir run --data), over the lists of its inputs' });
  }
  const extra = Object.keys(raw).filter((k) => !NODE_KEYS.has(k));
  if (extra.length) {
    ctx.report.add('attention', `node ${n.name}: ${extra.join(', ')} not converted`, { ...at(extra[0]), why: 'the importer does not know these node fields', todo: 'check whether the Weir node needs them' });
  }
  if (str(raw.provider) || str(raw.module)) {
    ctx.report.add('changed', `node ${n.name}: provider/module dropped`, { ...at(str(raw.provider) ? 'provider' : 'module'), why: 'Weir picks the model through the deployment or connection' });
  }
  return node;
}
