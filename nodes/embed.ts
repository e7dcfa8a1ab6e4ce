import { z } from 'zod';
import { WeirError } from '../engine/errors.ts';
import { defineNode } from '../engine/node-definition.ts';
import { connectionProblems } from './lib/connection-check.ts';
import { checkModelFields, modelFields, modelRef } from './lib/model-ref.ts';

const config = z
  .object({
    ...modelFields,
    batch_size: z.number().int().min(1).max(2048).default(32).describe('Texts sent to the model per call.'),
  })
  .strict()
  .superRefine(checkModelFields);

const vector = z.array(z.number());

export const embedNode = defineNode({
  type: 'embed',
  title: 'Embed',
  category: 'models',
  description: 'Turns a text (or a list of texts) into embedding vectors with an embedding model, in batches; reports token usage.',
  inputs: { text: z.union([z.string(), z.array(z.string())]) },
  output: z.union([vector, z.array(vector)]),
  config,
  check: (c, env) => connectionProblems(c.connection, env.connections),
  async run(ctx, inputs, c) {
    const texts = Array.isArray(inputs.text) ? inputs.text : [inputs.text];
    const model = await ctx.model(modelRef(c));
    if (!model.embed) throw new WeirError('unsupported_task', `model "${model.entry.id}" does not make embeddings`, { path: ['config'] });
    const vectors: number[][] = [];
    let tokens = 0;
    let cost: number | undefined;
    for (let i = 0; i < texts.length; i += c.batch_size) {
      ctx.throwIfAborted();
      const r = await model.embed(texts.slice(i, i + c.batch_size), { signal: ctx.signal });
      vectors.push(...r.vectors);
      tokens += r.usage.prompt_tokens;
      // Priced by the host (the gateway), never here.
      if (r.cost !== undefined) cost = (cost ?? 0) + r.cost;
    }
    ctx.reportUsage({ prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens, ...(cost !== undefined ? { cost } : {}) });
    return Array.isArray(inputs.text) ? vectors : vectors[0];
  },
});
