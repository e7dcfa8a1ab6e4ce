import { z } from 'zod';
import { WeirError } from '../engine/errors.ts';
import type { GenerateOptions, GenerationEvent, LoadedModel, ToolSpec } from '../engine/models/types.ts';
import { defineNode, type CheckEnv, type NodeContext } from '../engine/node-definition.ts';
import { parseChatMessages } from './lib/chat-messages.ts';
import { escapeRoles, type RoleEscape } from './lib/role-escape.ts';
import { connectionProblems } from './lib/connection-check.ts';
import { checkToolFields, compileArgChecks, DEFAULT_TOOL_ROUNDS, runToolLoop, toolConnectionProblems, toolFields, toolFlows, toolProblems, toolSpecs, toToolChoice } from './lib/llm-tools.ts';
import { checkModelFields, modelFields, modelRef } from './lib/model-ref.ts';
import { checkOneTemplate, prepareTemplate, templateFields, templateProblems } from './lib/template-source.ts';
import { answerCheck, isJson, outputSchema, parseAnswer, responseFormatField, responseFormatProblems, toResponseFormat, type AnswerCheck } from './lib/response-format.ts';
import { render } from './lib/templates.ts';

const config = z
  .object({
    ...modelFields,
    mode: z.enum(['chat', 'completion']).default('chat').describe('chat: the template makes system/user/assistant messages; completion: plain text.'),
    ...templateFields,
    max_tokens: z.number().int().min(1).max(131_072).optional().describe('Most tokens to generate.'),
    temperature: z.number().min(0).max(2).optional().describe('Sampling temperature; 0 picks the likeliest token.'),
    top_p: z.number().gt(0).max(1).optional().describe('Nucleus sampling: keep the smallest set of tokens whose probability reaches this.'),
    seed: z.number().int().optional().describe('Seed for sampling, for repeatable answers.'),
    stop: z.array(z.string().min(1)).max(4).optional().describe('Up to 4 strings; generation stops before any of them.'),
    response_format: responseFormatField,
    ...toolFields,
  })
  .strict()
  .superRefine((c, issues) => {
    checkModelFields(c, issues);
    checkOneTemplate(c, issues);
    checkToolFields(c, issues);
  });

type LlmConfig = z.output<typeof config>;

function options(c: LlmConfig, signal: AbortSignal, tools = toolSpecs(c)): GenerateOptions {
  const opts: GenerateOptions = { maxTokens: c.max_tokens, temperature: c.temperature, topP: c.top_p, seed: c.seed, stop: c.stop, signal };
  const format = toResponseFormat(c.response_format);
  if (format) opts.responseFormat = format;
  if (tools) opts.tools = tools;
  const choice = toToolChoice(c);
  if (choice) opts.toolChoice = choice;
  return opts;
}

function generate(model: LoadedModel, c: LlmConfig, text: string, signal: AbortSignal, roles: RoleEscape): AsyncIterable<GenerationEvent> {
  const opts = options(c, signal);
  if (c.mode === 'completion') {
    if (!model.complete) throw new WeirError('unsupported_task', `model "${model.entry.id}" does not do text completion`, { path: ['config', 'mode'] });
    return model.complete(text, opts);
  }
  if (!model.chat) throw new WeirError('unsupported_task', `model "${model.entry.id}" does not do chat`, { path: ['config', 'mode'] });
  return model.chat(roles.restore(parseChatMessages(text)), opts);
}

async function* stream(ctx: NodeContext, c: LlmConfig, prompt: string | Promise<string>, roles: RoleEscape): AsyncIterable<string> {
  const text = await prompt;
  const model = await ctx.model(modelRef(c));
  for await (const e of generate(model, c, text, ctx.signal, roles)) {
    if (e.type === 'text') yield e.text;
    // Priced by the host (the gateway), never here.
    else if (e.type === 'done') ctx.reportUsage(e.cost === undefined ? e.usage : { ...e.usage, cost: e.cost });
  }
}

interface Prepared {
  template: ReturnType<typeof prepareTemplate>;
  answer: AnswerCheck;
  args: ReturnType<typeof compileArgChecks>;
  tools: ToolSpec[] | undefined;
}

/**
 * Compiling hands `prepare` the validation env, which can look flows up (a server reads every
 * sub-flow first): a tool without `parameters` is described to the model by its flow's inputs.
 */
type FlowEnv = CheckEnv & { resolveFlow?: (name: string) => unknown };

/**
 * A JSON answer or a tool loop is one value, not a text stream: chunks of half-written JSON or of
 * a round that turns out to be tool calls would mislead whoever reads the stream.
 */
async function whole(ctx: NodeContext, c: LlmConfig, prompt: string | Promise<string>, p: Prepared, roles: RoleEscape): Promise<unknown> {
  const text = await prompt;
  const model = await ctx.model(modelRef(c));
  let answer: string;
  if (c.tools) {
    if (!model.chat) throw new WeirError('unsupported_task', `model "${model.entry.id}" does not do chat`, { path: ['config', 'mode'] });
    answer = await runToolLoop(ctx, model, roles.restore(parseChatMessages(text)), { tools: c.tools, checks: p.args, maxRounds: c.max_tool_rounds ?? DEFAULT_TOOL_ROUNDS, opts: options(c, ctx.signal, p.tools) });
  } else {
    answer = '';
    for await (const e of generate(model, c, text, ctx.signal, roles)) {
      if (e.type === 'text') answer += e.text;
      else if (e.type === 'done') ctx.reportUsage(e.cost === undefined ? e.usage : { ...e.usage, cost: e.cost });
    }
  }
  return isJson(c.response_format) ? parseAnswer(answer, p.answer, ctx.node) : answer;
}

export const llmNode = defineNode({
  type: 'llm',
  title: 'LLM',
  category: 'models',
  description: 'Calls a chat or completion model (a model deployment or an OpenAI-compatible connection) with a Jinja prompt; streams the answer and reports token usage. Can call tools (flows, or http connections) and answer JSON typed by a schema.',
  inputs: {},
  extraInputs: z.any(),
  output: z.string(),
  config,
  streams: true,
  // Text by default; with response_format JSON the output is the schema's, so `${node.output.field}` type-checks.
  ports: (c) => {
    const output = outputSchema(c.response_format);
    return { inputs: {}, required: [], extra: true, ...(output ? { output } : {}) };
  },
  flowDependencies: (c) => toolFlows(c),
  check: (c, env) => [...templateProblems(c, env.flowDir), ...connectionProblems(c.connection, env.connections), ...responseFormatProblems(c.response_format), ...toolProblems(c), ...toolConnectionProblems(c, env.connections)],
  prepare: (c, env: FlowEnv): Prepared => ({
    template: prepareTemplate(c, env.flowDir),
    answer: answerCheck(c.response_format),
    args: compileArgChecks(c),
    tools: toolSpecs(c, env.resolveFlow),
  }),
  run(ctx, inputs, c, p) {
    ctx.throwIfAborted();
    // In chat mode role lines in the inputs stay text (a completion prompt has no roles to forge).
    const roles: RoleEscape = c.mode === 'completion' ? { inputs, restore: (m) => m } : escapeRoles(inputs);
    const prompt = render(p.template, roles.inputs, 'the llm prompt template', ctx);
    // A render moved to a sandbox thread is awaited by the stream; if the run ends before the
    // stream is read, its failure must not surface as an unhandled rejection.
    if (typeof prompt !== 'string') prompt.catch(() => undefined);
    // The declared output is the text case; a JSON instance's type comes from `ports`.
    if (c.tools || isJson(c.response_format)) return whole(ctx, c, prompt, p, roles) as Promise<string>;
    return stream(ctx, c, prompt, roles);
  },
});
