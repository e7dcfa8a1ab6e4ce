import { z } from 'zod';
import { WeirError } from '../../engine/errors.ts';
import type { ChatMessage, GenerateOptions, LoadedModel, ToolCall, ToolChoice, ToolSpec } from '../../engine/models/types.ts';
import type { CheckProblem, NodeContext } from '../../engine/node-definition.ts';
import { names as resourceNames } from '../../engine/flow/resource-fields.ts';
import { connectionProblems } from './connection-check.ts';
import { callHttpTool, HTTP_TOOL_DEFAULTS, httpToolTarget, type HttpToolConfig } from './llm-http-tool.ts';

export const DEFAULT_TOOL_ROUNDS = 5;
export const MAX_TOOL_ROUNDS = 20;
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * One tool the model may call: a sub-flow run with the call's arguments as its inputs, or an http
 * connection the arguments are sent to (llm-http-tool.ts).
 */
const toolField = z
  .object({
    name: z.string().regex(TOOL_NAME, 'letters, digits, _ or -, at most 64 (OpenAI\'s rule for function names)'),
    description: z.string().max(4000).optional().describe('What the tool does, for the model.'),
    flow: z.string().min(1).optional().describe('The flow that implements the tool; the call\'s arguments are its inputs. Give this or connection.'),
    connection: z.string().min(1).optional().describe('An http connection the call\'s arguments are sent to (a JSON body; the query for GET and DELETE); its answer is the tool\'s. Give this or flow.').meta(resourceNames('connection')),
    path: z
      .string()
      .min(1)
      .max(2000)
      .refine((p) => !/^[a-z][a-z0-9+.-]*:/i.test(p), 'a path under the connection base_url, not a URL')
      .optional()
      .describe('With connection: a path under its base_url (absent: base_url itself).'),
    method: z.enum(['POST', 'GET', 'PUT', 'PATCH', 'DELETE']).optional().describe(`With connection: the HTTP method (default ${HTTP_TOOL_DEFAULTS.method}).`),
    timeout_ms: z.number().int().positive().max(600_000).optional().describe(`With connection: deadline of one call (default ${HTTP_TOOL_DEFAULTS.timeout_ms}); a call past it is told to the model as failed.`),
    max_response_bytes: z
      .number()
      .int()
      .positive()
      .max(64 * 1024 ** 2)
      .optional()
      .describe(`With connection: largest answer read (default ${HTTP_TOOL_DEFAULTS.max_response_bytes}); a larger one is told to the model as failed, unread.`),
    parameters: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('JSON Schema of the arguments (an object); required with connection; absent with flow: the flow\'s inputs. Arguments that do not match go back to the model as the tool\'s answer.'),
  })
  .strict();

const HTTP_ONLY = ['path', 'method', 'timeout_ms', 'max_response_bytes'] as const;

export const toolFields = {
  tools: z.array(toolField).min(1).max(64).optional().describe('Tools (functions) the model may call; each runs a flow or calls an http connection. Calls are run and fed back until the model answers.'),
  tool_choice: z
    .union([
      z.enum(['auto', 'none', 'required']),
      z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }).strict() }).strict(),
    ])
    .optional()
    .describe('auto (default), none, required, or {type: function, function: {name}}; required/named hold for the first round only, so the model can then answer.'),
  max_tool_rounds: z
    .number()
    .int()
    .min(1)
    .max(MAX_TOOL_ROUNDS)
    .optional()
    .describe(`Most rounds of tool calls before the node fails with tool_rounds_exceeded (default ${DEFAULT_TOOL_ROUNDS}).`),
};

type ToolConfig = z.output<typeof toolField>;
export interface ToolFields {
  tools?: ToolConfig[];
  tool_choice?: z.output<typeof toolFields.tool_choice>;
  max_tool_rounds?: number;
  mode?: 'chat' | 'completion';
}

export function checkToolFields(c: ToolFields, issues: z.RefinementCtx): void {
  const names = new Set<string>();
  c.tools?.forEach((t, i) => {
    if (names.has(t.name)) issues.addIssue({ code: 'custom', path: ['tools', i, 'name'], message: `tool "${t.name}" is named twice` });
    names.add(t.name);
    const at = `tools.${i} ("${t.name}")`;
    if ((t.flow === undefined) === (t.connection === undefined)) {
      issues.addIssue({ code: 'custom', path: ['tools', i], message: `${at}: give exactly one of flow (a sub-flow runs the call) or connection (an http connection answers it)` });
    } else if (t.connection !== undefined && t.parameters === undefined) {
      issues.addIssue({ code: 'custom', path: ['tools', i, 'parameters'], message: `${at}: a connection tool needs parameters (the JSON Schema of its arguments): there is no flow to read them from` });
    } else if (t.flow !== undefined) {
      for (const k of HTTP_ONLY) if (t[k] !== undefined) issues.addIssue({ code: 'custom', path: ['tools', i, k], message: `${at}: ${k} goes with connection, not flow` });
    }
  });
  if (c.tools && c.mode === 'completion') issues.addIssue({ code: 'custom', path: ['tools'], message: 'tools need chat mode' });
  if (c.tool_choice !== undefined && !c.tools) issues.addIssue({ code: 'custom', path: ['tool_choice'], message: 'tool_choice goes with tools' });
  if (c.max_tool_rounds !== undefined && !c.tools) issues.addIssue({ code: 'custom', path: ['max_tool_rounds'], message: 'max_tool_rounds goes with tools' });
  const named = typeof c.tool_choice === 'object' ? c.tool_choice.function.name : undefined;
  if (named !== undefined && c.tools && !names.has(named)) {
    issues.addIssue({ code: 'custom', path: ['tool_choice', 'function', 'name'], message: `tool_choice names "${named}", which is not one of the tools (${[...names].join(', ')})` });
  }
}

export const toolFlows = (c: ToolFields): string[] => [...new Set((c.tools ?? []).flatMap((t) => (t.flow === undefined ? [] : [t.flow])))];

/** Validation: each connection tool's connection exists, when the host knows its connections. */
export const toolConnectionProblems = (c: ToolFields, known: ReadonlySet<string> | undefined): CheckProblem[] =>
  (c.tools ?? []).flatMap((t, i) => connectionProblems(t.connection, known).map((p) => ({ ...p, message: `tool "${t.name}": ${p.message}`, path: ['tools', i, 'connection'] })));

const PARAM_TYPES: Record<string, string | undefined> = { string: 'string', number: 'number', integer: 'integer', boolean: 'boolean', object: 'object', array: 'array', list: 'array', chat_history: 'array' };

/**
 * A tool flow's inputs as the JSON Schema of its arguments (from the raw flow document, which may
 * be anything): what the model needs to call it, as the flow itself will check them.
 */
export function flowParameters(raw: unknown): Record<string, unknown> | undefined {
  if (!isObject(raw) || (raw.inputs !== undefined && !isObject(raw.inputs))) return undefined;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, input] of Object.entries(raw.inputs ?? {})) {
    const spec = isObject(input) ? input : {};
    const type = PARAM_TYPES[typeof spec.type === 'string' ? spec.type : 'string'];
    properties[name] = { ...(type ? { type } : {}), ...(typeof spec.description === 'string' ? { description: spec.description } : {}) };
    if (spec.default === undefined && spec.optional !== true) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/** Each tool's parameters: as configured, else its flow's inputs when the flow is known, else any object. */
export function toolSpecs(c: ToolFields, flowOf?: (name: string) => unknown): ToolSpec[] | undefined {
  return c.tools?.map((t) => ({
    name: t.name,
    ...(t.description === undefined ? {} : { description: t.description }),
    parameters: t.parameters ?? (t.flow === undefined ? undefined : flowParameters(flowOf?.(t.flow))) ?? { type: 'object' },
  }));
}

export function toToolChoice(c: ToolFields): ToolChoice | undefined {
  const tc = c.tool_choice;
  return tc === undefined ? undefined : typeof tc === 'string' ? tc : { name: tc.function.name };
}

/** The parameter checks, compiled once per plan (a schema zod cannot read is a validation problem). */
export type ArgChecks = Map<string, z.ZodType | undefined>;

export function compileArgChecks(c: ToolFields): ArgChecks {
  const out: ArgChecks = new Map();
  for (const t of c.tools ?? []) out.set(t.name, t.parameters ? z.fromJSONSchema(t.parameters as Parameters<typeof z.fromJSONSchema>[0]) : undefined);
  return out;
}

export function toolProblems(c: ToolFields): { code: 'invalid_config'; message: string; path: (string | number)[] }[] {
  const out: { code: 'invalid_config'; message: string; path: (string | number)[] }[] = [];
  c.tools?.forEach((t, i) => {
    if (!t.parameters) return;
    try {
      z.fromJSONSchema(t.parameters as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (err) {
      out.push({ code: 'invalid_config', message: `tool "${t.name}": parameters is not a JSON Schema this node can check: ${(err as Error).message}`, path: ['tools', i, 'parameters'] });
    }
  });
  return out;
}

/** What a tool call told the model: the flow's outputs, or why it did not run. */
interface ToolOutcome {
  content: string;
  ok: boolean;
}

/** A single-output flow answers with that value; more outputs answer as one JSON object. */
function resultText(outputs: Record<string, unknown>): string {
  const keys = Object.keys(outputs);
  const v = keys.length === 1 ? outputs[keys[0]] : outputs;
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null');
}

/** Logs keep a preview: a tool flow may answer megabytes, which the model gets but a log line need not. */
const LOGGED_CHARS = 1500;
const preview = (text: string) => (text.length > LOGGED_CHARS ? `${text.slice(0, LOGGED_CHARS)}… (${text.length} characters)` : text);

const errorText = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/**
 * Runs one call. What the model got wrong (an unknown tool, arguments that are not JSON or do not
 * match, a sub-flow refusing them) and what failed on the way (a sub-flow's error, an http error
 * status, a timeout, a refused address) go back to it as the tool's answer so it can correct itself
 * or say so; only a cancelled run, or a connection tool whose connection cannot serve (the flow
 * author's to fix), stops the node.
 */
async function runCall(ctx: NodeContext, call: ToolCall, tools: ToolConfig[], checks: ArgChecks): Promise<ToolOutcome> {
  const index = tools.findIndex((t) => t.name === call.name);
  const tool = tools[index];
  if (!tool) return { ok: false, content: errorText('unknown_tool', `no tool is named "${call.name}"; the tools are ${tools.map((t) => t.name).join(', ')}`) };
  let args: unknown;
  try {
    args = typeof call.arguments !== 'string' || call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch (err) {
    return { ok: false, content: errorText('invalid_arguments', `the arguments are not valid JSON: ${(err as Error).message}`) };
  }
  if (!isObject(args)) return { ok: false, content: errorText('invalid_arguments', 'the arguments must be a JSON object') };
  const check = checks.get(tool.name);
  if (check) {
    const r = check.safeParse(args);
    if (!r.success) {
      const issue = r.error.issues[0];
      return { ok: false, content: errorText('invalid_arguments', `${issue.path.length ? issue.path.join('.') : 'arguments'}: ${issue.message}`) };
    }
  }
  const http = tool.connection === undefined ? undefined : httpTool(tool, tool.connection);
  // Outside the try: a connection that cannot serve fails the node (httpToolTarget says why).
  const target = http && (await httpToolTarget(ctx, http, index));
  try {
    if (http && target) return { ok: true, content: await callHttpTool(ctx, http, target, args) };
    return { ok: true, content: resultText(await ctx.runFlow(tool.flow!, args)) };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const code = err instanceof WeirError ? err.code : 'tool_failed';
    return { ok: false, content: errorText(code, err instanceof Error ? err.message : String(err)) };
  }
}

const httpTool = (t: ToolConfig, connection: string): HttpToolConfig => ({
  name: t.name,
  connection,
  ...(t.path === undefined ? {} : { path: t.path }),
  method: t.method ?? HTTP_TOOL_DEFAULTS.method,
  timeout_ms: t.timeout_ms ?? HTTP_TOOL_DEFAULTS.timeout_ms,
  max_response_bytes: t.max_response_bytes ?? HTTP_TOOL_DEFAULTS.max_response_bytes,
});

export interface ToolLoop {
  tools: ToolConfig[];
  checks: ArgChecks;
  maxRounds: number;
  /** Options of every model call (tools, response format, sampling). */
  opts: GenerateOptions;
}

/**
 * Calls the model, runs the tools it asks for and feeds their answers back, until it answers
 * without calls. Returns that answer's text. Each round and each call is logged into the run.
 */
export async function runToolLoop(ctx: NodeContext, model: LoadedModel, messages: ChatMessage[], loop: ToolLoop): Promise<string> {
  const history = [...messages];
  let toolChoice = loop.opts.toolChoice;
  for (let round = 1; ; round++) {
    ctx.throwIfAborted();
    let text = '';
    let calls: ToolCall[] | undefined;
    let finish = 'stop';
    for await (const e of model.chat!(history, { ...loop.opts, toolChoice })) {
      if (e.type === 'text') text += e.text;
      else if (e.type === 'done') {
        ctx.reportUsage(e.cost === undefined ? e.usage : { ...e.usage, cost: e.cost });
        calls = e.toolCalls?.length ? e.toolCalls : undefined;
        finish = e.finishReason;
      }
    }
    if (!calls) {
      // A required call that did not come (a forced call cut short is half a JSON object) is no answer.
      if (toolChoice === 'required' || typeof toolChoice === 'object') {
        const why = finish === 'length' ? ': it was cut short by max_tokens, raise it' : '';
        throw new WeirError('tool_call_missing', `node "${ctx.node}": the model had to call a tool (tool_choice) but answered without one${why}`, { node: ctx.node, path: ['config', finish === 'length' ? 'max_tokens' : 'tool_choice'] });
      }
      ctx.log('info', `llm round ${round}: answered`, { round, finish });
      return text;
    }
    ctx.log('info', `llm round ${round}: the model called ${calls.map((c) => c.name).join(', ')}`, {
      round,
      tool_calls: calls.map((c) => ({ id: c.id, name: c.name, arguments: preview(c.arguments) })),
    });
    if (round > loop.maxRounds) {
      throw new WeirError('tool_rounds_exceeded', `node "${ctx.node}": the model still calls tools after ${loop.maxRounds} round(s) of tool calls (max_tool_rounds); last calls: ${calls.map((c) => c.name).join(', ')}`, {
        node: ctx.node,
        path: ['config', 'max_tool_rounds'],
      });
    }
    const outcomes = await Promise.all(calls.map((c) => runCall(ctx, c, loop.tools, loop.checks)));
    history.push({ role: 'assistant', content: text, tool_calls: calls });
    calls.forEach((call, i) => {
      const o = outcomes[i];
      ctx.log(o.ok ? 'info' : 'warn', `llm round ${round}: tool ${call.name} ${o.ok ? 'answered' : 'failed'}`, { round, tool: call.name, call_id: call.id, arguments: preview(call.arguments), ok: o.ok, result: preview(o.content) });
      history.push({ role: 'tool', content: o.content, tool_call_id: call.id });
    });
    // As OpenAI's agents do: a forced call is forced once, or a model obeying it could never answer.
    if (toolChoice === 'required' || typeof toolChoice === 'object') toolChoice = 'auto';
  }
}
