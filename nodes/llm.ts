import { z } from 'zod';
import { WeirError } from '../engine/errors.ts';
import type { GenerationEvent, LoadedModel } from '../engine/models/types.ts';
import { defineNode, type NodeContext } from '../engine/node-definition.ts';
import { parseChatMessages } from './lib/chat-messages.ts';
import { connectionProblems } from './lib/connection-check.ts';
import { checkModelFields, modelFields, modelRef } from './lib/model-ref.ts';
import { checkOneTemplate, prepareTemplate, templateFields, templateProblems } from './lib/template-source.ts';
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
  })
  .strict()
  .superRefine((c, issues) => {
    checkModelFields(c, issues);
    checkOneTemplate(c, issues);
  });

type LlmConfig = z.output<typeof config>;

function generate(model: LoadedModel, c: LlmConfig, text: string, signal: AbortSignal): AsyncIterable<GenerationEvent> {
  const opts = { maxTokens: c.max_tokens, temperature: c.temperature, topP: c.top_p, seed: c.seed, stop: c.stop, signal };
  if (c.mode === 'completion') {
    if (!model.complete) throw new WeirError('unsupported_task', `model "${model.entry.id}" does not do text completion`, { path: ['config', 'mode'] });
    return model.complete(text, opts);
  }
  if (!model.chat) throw new WeirError('unsupported_task', `model "${model.entry.id}" does not do chat`, { path: ['config', 'mode'] });
  return model.chat(parseChatMessages(text), opts);
}

async function* stream(ctx: NodeContext, c: LlmConfig, prompt: string | Promise<string>): AsyncIterable<string> {
  const text = await prompt;
  const model = await ctx.model(modelRef(c));
  for await (const e of generate(model, c, text, ctx.signal)) {
    if (e.type === 'text') yield e.text;
    // Priced by the host (the gateway), never here.
    else ctx.reportUsage(e.cost === undefined ? e.usage : { ...e.usage, cost: e.cost });
  }
}

export const llmNode = defineNode({
  type: 'llm',
  title: 'LLM',
  category: 'models',
  description: 'Calls a chat or completion model (a model deployment or an OpenAI-compatible connection) with a Jinja prompt; streams the answer and reports token usage.',
  inputs: {},
  extraInputs: z.any(),
  output: z.string(),
  config,
  streams: true,
  check: (c, env) => [...templateProblems(c, env.flowDir), ...connectionProblems(c.connection, env.connections)],
  prepare: (c, env) => prepareTemplate(c, env.flowDir),
  run(ctx, inputs, c, template) {
    ctx.throwIfAborted();
    const prompt = render(template, inputs, 'the llm prompt template', ctx);
    // A render moved to a sandbox thread is awaited by the stream; if the run ends before the
    // stream is read, its failure must not surface as an unhandled rejection.
    if (typeof prompt !== 'string') prompt.catch(() => undefined);
    return stream(ctx, c, prompt);
  },
});
