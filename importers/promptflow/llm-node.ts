import type { ConvertContext, PfNode, WeirNode } from './context.ts';
import { isObj, nodePath, str } from './context.ts';
import { isReference, rewriteReference } from './references.ts';
import { checkTemplate } from './template-check.ts';

/** Settings Weir's llm node has, with prompt flow's loose values coerced ('256' → 256) and range-checked. */
const KEPT: Record<string, { int: boolean; ok: (n: number) => boolean; range: string }> = {
  max_tokens: { int: true, ok: (n) => n >= 1 && n <= 131_072, range: '1 to 131072' },
  temperature: { int: false, ok: (n) => n >= 0 && n <= 2, range: '0 to 2' },
  top_p: { int: false, ok: (n) => n > 0 && n <= 1, range: 'above 0, up to 1' },
  seed: { int: true, ok: () => true, range: 'a whole number' },
};

/** Settings Weir's llm node lacks, with the value that means "not used" (dropped quietly when so). */
const LACKING: Record<string, (v: unknown) => boolean> = {
  presence_penalty: (v) => Number(v) === 0,
  frequency_penalty: (v) => Number(v) === 0,
  logit_bias: (v) => v === '' || (isObj(v) && !Object.keys(v).length) || v === '{}',
  n: (v) => Number(v) === 1,
  best_of: (v) => Number(v) === 1,
  echo: (v) => v === false || String(v).toLowerCase() === 'false',
  suffix: (v) => v === '',
  logprobs: (v) => v === '',
  user: (v) => v === '',
  response_format: (v) => v === '' || (isObj(v) && v.type === 'text'),
  functions: (v) => v === '' || (Array.isArray(v) && !v.length),
  function_call: (v) => v === '' || v === 'none',
  tools: (v) => v === '' || (Array.isArray(v) && !v.length),
  tool_choice: (v) => v === '' || v === 'none',
  detail: () => false,
};

const FUNCTION_SETTINGS = new Set(['response_format', 'functions', 'function_call', 'tools', 'tool_choice']);
/** OpenAI's rule for function names, which Weir's tool names follow. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

interface MappedTool {
  name: string;
  description?: string;
  flow: string;
  parameters?: Record<string, unknown>;
}

/** Prompt flow often passes these settings as JSON text; a list or mapping is taken as it is. */
function jsonish(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/**
 * `functions` (`[{name, description, parameters}]`) or `tools` (`[{type: function, function: {…}}]`)
 * → the llm node's tools, each run by the flow of the same name; a string saying what is wrong else.
 */
function mapTools(key: string, v0: unknown): MappedTool[] | string {
  const list = jsonish(v0);
  if (!Array.isArray(list)) return `${key} is not a list`;
  const out: MappedTool[] = [];
  for (const [i, item] of list.entries()) {
    const fn = key === 'tools' ? (isObj(item) && item.type === 'function' && isObj(item.function) ? item.function : undefined) : isObj(item) ? item : undefined;
    if (!fn) return `${key}[${i}] is not a function`;
    const name = str(fn.name);
    if (name === undefined || !TOOL_NAME.test(name)) return `${key}[${i}] has no usable name (letters, digits, _ or -, at most 64)`;
    if (out.some((t) => t.name === name)) return `${key} names ${name} twice`;
    if (fn.parameters !== undefined && !isObj(fn.parameters)) return `${key}[${i}] parameters is not a JSON Schema object`;
    const description = str(fn.description);
    out.push({ name, ...(description ? { description } : {}), flow: name, ...(isObj(fn.parameters) ? { parameters: fn.parameters } : {}) });
  }
  return out;
}

/** `function_call` / `tool_choice` → the llm node's tool_choice; undefined when it names nothing usable. */
function mapToolChoice(v0: unknown, tools: MappedTool[]): unknown {
  const v = jsonish(v0);
  if (v === 'auto' || v === 'none' || v === 'required') return v;
  const name = isObj(v) ? (str(v.name) ?? (isObj(v.function) ? str(v.function.name) : undefined)) : undefined;
  return name !== undefined && tools.some((t) => t.name === name) ? { type: 'function', function: { name } } : undefined;
}

const paramNames = (t: MappedTool) => (isObj(t.parameters) && isObj(t.parameters.properties) ? Object.keys(t.parameters.properties) : []);
const MODEL_KEYS = new Set(['deployment_name', 'model', 'connection']);

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length);

/** Which name the node's model goes by on its connection: Azure wants the deployment, OpenAI the model. */
function modelName(inputs: Record<string, unknown>, connectionType: string | undefined): string | undefined {
  const dep = str(inputs.deployment_name);
  const model = str(inputs.model);
  if (connectionType === 'open_ai') return model ?? dep;
  return dep ?? model;
}

/** The model a node calls: a mapped deployment, else the connection it names, else a deployment of the same name. */
export function modelConfig(n: PfNode, ctx: ConvertContext): Record<string, unknown> {
  const { report } = ctx;
  const raw = n.raw;
  const inputs0 = isObj(raw.inputs) ? raw.inputs : {};
  const config: Record<string, unknown> = {};
  const what = (s: string) => `node ${n.name}: ${s}`;
  const at = (...p: (string | number)[]) => n.at([...n.path, ...p]);
  const connection = str(raw.connection) ?? (isReference(inputs0.connection) ? undefined : str(inputs0.connection));
  // deployment_name and model are often the same name (gpt-4 twice): each is named once.
  const names = [...new Set([str(inputs0.deployment_name), str(inputs0.model)].filter((x): x is string => x !== undefined && !isReference(x)))];
  const map = ctx.opts.deploymentMap ?? {};
  const hit = names.find((x) => map[x] !== undefined);
  const mapped = hit !== undefined ? map[hit] : map['*'];
  if (mapped !== undefined) {
    config.deployment = mapped;
    report.add('converted', what(`${hit ?? names[0] ?? 'model'} → deployment ${mapped}`), { ...at('inputs'), target: `nodes.${n.name}.config.deployment` });
  } else if (connection) {
    const type = ctx.connectionTypes.get(connection);
    const model = modelName(inputs0, type) ?? 'gpt-35-turbo';
    config.connection = connection;
    config.model = model;
    report.add('attention', what(`calls model ${model} on connection ${connection}`), {
      ...at('connection'), target: `nodes.${n.name}.config.connection`,
      why: ctx.connectionTypes.has(connection) ? `connection ${connection} comes from a connection file of the flow; it must exist in the Weir workspace the flow runs in` : `no --deployment-map entry names ${names.join(' or ') || 'its model'}, so the node calls the connection directly`,
      todo: `create connection ${connection} in Weir (studio Connections, or import its YAML with --connection), or map the model to a Weir deployment: --deployment-map ${names[0] ?? 'name'}=<deployment>`,
    });
  } else {
    const name = names[0] ?? 'default';
    config.deployment = name;
    report.add('attention', what(`deployment ${name} not mapped`), {
      ...at('inputs'), target: `nodes.${n.name}.config.deployment`,
      why: names.length ? 'no --deployment-map entry names it and the node names no connection' : 'the node names no deployment, model or connection',
      todo: `create a Weir deployment named ${name}, or import again with --deployment-map ${name}=<deployment>`,
    });
  }
  for (const k of ['deployment_name', 'model', 'connection']) {
    if (isReference(inputs0[k])) report.add('attention', what(`${k} comes from ${String(inputs0[k])}`), { ...at('inputs', k), why: "Weir's llm node names its model in config, not from another node or a flow input", todo: 'set the deployment in the node config' });
  }

  return config;
}

/** `type: llm` (and the promptflow-tools LLM as `custom_llm`) → Weir's `llm` node. */
export function convertLlm(n: PfNode, ctx: ConvertContext, opts: { vision?: boolean } = {}): WeirNode {
  const { report } = ctx;
  const raw = n.raw;
  const inputs0 = isObj(raw.inputs) ? raw.inputs : {};
  const config: Record<string, unknown> = {};
  const inputs: Record<string, unknown> = {};
  const what = (s: string) => `node ${n.name}: ${s}`;
  const at = (...p: (string | number)[]) => n.at([...n.path, ...p]);

  // promptflow-tools' llm tool (custom_llm) takes the api as one of its inputs, not as a node key.
  const apiInput = raw.api === undefined && str(inputs0.api) !== undefined && !isReference(inputs0.api);
  const api = str(raw.api) ?? (apiInput ? str(inputs0.api) : undefined) ?? 'chat';
  if (api !== 'chat' && api !== 'completion') {
    report.add('attention', what(`api ${api}`), { ...at('api'), target: `nodes.${n.name}.config.mode`, why: 'Weir llm nodes do chat or completion', todo: 'check the mode (chat was written)' });
  }
  config.mode = api === 'completion' ? 'completion' : 'chat';

  Object.assign(config, modelConfig(n, ctx));

  // Model settings, then the template variables.
  const dropped: string[] = [];
  const lacking: string[] = [];
  const unusable: string[] = [];
  let choice: { key: string; value: unknown } | undefined;
  for (const [k, v0] of Object.entries(inputs0)) {
    if (MODEL_KEYS.has(k) || (k === 'api' && apiInput)) continue;
    if (k in KEPT || k === 'stop' || k in LACKING) {
      if (isReference(v0)) {
        report.add('attention', what(`${k} comes from ${String(v0)}`), { ...at('inputs', k), target: `nodes.${n.name}.config.${k}`, why: "Weir's llm settings are fixed in the node config; the value it reads is not used", todo: `set config.${k}, or drop the ${k} input upstream` });
        continue;
      }
    }
    if (k in KEPT) {
      if (empty(v0)) {
        dropped.push(k);
        continue;
      }
      const spec = KEPT[k];
      const num = typeof v0 === 'number' ? v0 : typeof v0 === 'string' && v0.trim() !== '' ? Number(v0) : NaN;
      if (!Number.isFinite(num) || (spec.int && !Number.isInteger(num)) || !spec.ok(num)) {
        report.add('attention', what(`${k} ${JSON.stringify(v0)} left out`), { ...at('inputs', k), target: `nodes.${n.name}.config.${k}`, why: `Weir takes ${spec.range}`, todo: `set config.${k} by hand` });
        continue;
      }
      config[k] = num;
      if (typeof v0 === 'string') report.add('changed', what(`${k} "${v0}" → ${num}`), { ...at('inputs', k), target: `nodes.${n.name}.config.${k}`, why: 'prompt flow passes settings as text; Weir types them' });
      continue;
    }
    if (k === 'stop') {
      const list = typeof v0 === 'string' ? (v0 === '' ? [] : [v0]) : Array.isArray(v0) ? v0.filter((s) => typeof s === 'string' && s !== '') : null;
      if (list === null || (Array.isArray(v0) && list.length !== v0.length) || list.length > 4) {
        if (empty(v0)) dropped.push(k);
        else report.add('attention', what(`stop ${JSON.stringify(v0)} left out`), { ...at('inputs', k), target: `nodes.${n.name}.config.stop`, why: 'Weir takes up to 4 non-empty stop strings', todo: 'set config.stop by hand' });
        continue;
      }
      if (!list.length) dropped.push(k);
      else config.stop = list;
      continue;
    }
    if ((k === 'functions' || k === 'tools') && !empty(v0) && !LACKING[k](v0)) {
      const mapped = config.tools ? 'functions and tools both given (the first one is kept)' : config.mode === 'completion' ? 'tools need the chat api' : mapTools(k, v0);
      if (Array.isArray(mapped)) {
        config.tools = mapped;
        report.add('attention', what(`${k} → tools ${mapped.map((t) => t.name).join(', ')}, each run by the flow of the same name`), {
          ...at('inputs', k), target: `nodes.${n.name}.config.tools`,
          why: "prompt flow hands a function call back to the flow's own code; Weir's llm node runs each call as a flow, feeds its outputs back to the model and outputs the model's final answer",
          todo: `create a flow for each tool, its inputs the function's parameters: ${mapped.map((t) => `${t.name}(${paramNames(t).join(', ')})`).join('; ')} — or point config.tools[].flow at flows you have, or replace flow with an http connection (connection, path) that answers the call; then check what reads this node's output`,
        });
        continue;
      }
      unusable.push(`${k}: ${mapped}`);
      lacking.push(k);
      continue;
    }
    if ((k === 'function_call' || k === 'tool_choice') && !empty(v0)) {
      choice = { key: k, value: v0 };
      continue;
    }
    if (k in LACKING) {
      if (empty(v0) || LACKING[k](v0)) dropped.push(k);
      else lacking.push(k);
      continue;
    }
    const r = rewriteReference(v0);
    inputs[k] = r.value;
    if (r.changed) report.add('changed', what(`input ${k}: ${String(v0)} → ${String(r.value)}`), { ...at('inputs', k), why: 'Weir reads flow inputs as ${inputs.x}' });
  }
  if (choice) {
    const tools = Array.isArray(config.tools) ? (config.tools as MappedTool[]) : undefined;
    const mapped = tools ? mapToolChoice(choice.value, tools) : undefined;
    if (mapped !== undefined) {
      config.tool_choice = mapped;
      report.add('converted', what(`${choice.key} ${JSON.stringify(jsonish(choice.value))} → tool_choice`), { ...at('inputs', choice.key), target: `nodes.${n.name}.config.tool_choice` });
    } else if (LACKING[choice.key](choice.value)) dropped.push(choice.key);
    else {
      lacking.push(choice.key);
      unusable.push(`${choice.key}: ${tools ? 'names no function of the node' : 'no functions to choose from'}`);
    }
  }
  if (dropped.length) report.add('changed', what(`${dropped.join(', ')} dropped`), { ...at('inputs'), target: `nodes.${n.name}.config`, why: 'empty or default values (an empty stop or logit_bias, zero penalties, n 1) mean the same as leaving them out' });
  if (lacking.length) {
    const fn = lacking.filter((k) => FUNCTION_SETTINGS.has(k));
    report.add('attention', what(`${lacking.join(', ')} not supported`), {
      ...at('inputs', lacking[0]), target: `nodes.${n.name}.config`,
      why: `Weir's llm node has no ${lacking.join(', ')} (left out)${unusable.length ? ` (${unusable.join('; ')})` : ''}${fn.length ? '; it takes tools (functions run by flows or http connections) and response_format since issue #19, in the chat api' : ''}`,
      todo: fn.length ? 'set config.tools / tool_choice / response_format by hand, or ask for the format in the prompt' : 'check the answers are still what the flow needs without them',
    });
  }
  if (opts.vision) report.add('attention', what('vision model tool'), { ...at('source'), why: "Weir's llm node sends text only", todo: 'describe images in text, or call the vision model from a python node' });

  Object.assign(config, templateConfig(n, ctx, true));
  return { name: n.name, type: 'llm', inputs, config };
}

/** `template_file` (copied beside the flow) or inline `template`, checked in Weir's Jinja. */
export function templateConfig(n: PfNode, ctx: ConvertContext, llm: boolean): Record<string, unknown> {
  const raw = n.raw;
  const source = isObj(raw.source) ? raw.source : {};
  const file = nodePath(source.path) ?? nodePath(raw.template_file);
  const target = `nodes.${n.name}.config`;
  if (file === undefined) {
    const inline = typeof raw.template === 'string' ? raw.template : typeof source.content === 'string' ? source.content : undefined;
    if (inline === undefined) {
      ctx.report.add('not_converted', `node ${n.name}: template`, { ...n.at([...n.path, 'source']), target, why: 'the node names no template file', todo: 'write the prompt into config.template' });
      return { template: '' };
    }
    checkTemplate(inline, ctx.dagFile, ctx.files, ctx.report, llm);
    return { template: inline };
  }
  const read = ctx.files.text(file);
  if ('error' in read) {
    ctx.report.add('not_converted', `node ${n.name}: template ${file}`, { ...n.at([...n.path, 'source', 'path']), target, why: read.error, todo: `add ${file} beside the flow` });
    return { template_file: file };
  }
  checkTemplate(read.text, file, ctx.files, ctx.report, llm);
  if (ctx.opts.inline) return { template: read.text };
  ctx.needed.add(file);
  return { template_file: file };
}
