import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../engine/models/types.ts';
import type { ModelRef } from '../engine/node-definition.ts';
import { embedNode } from './embed.ts';
import { loadDefaultModels } from '../test/helpers/nodes/test-models.ts';
import { failureOf, makeContext, runNode } from '../test/helpers/nodes/test-context.ts';

let models: (ref: ModelRef) => Promise<LoadedModel>;
beforeAll(async () => {
  models = await loadDefaultModels();
});

describe('embed node', () => {
  it('embeds one text into one vector', async () => {
    const v = (await runNode(embedNode, { deployment: 'embeddings' }, { text: 'hello' }, makeContext({ model: models }))) as number[];
    expect(v).toHaveLength(512);
    expect(typeof v[0]).toBe('number');
  });

  it('embeds a list in batches, in order, and reports the tokens of all of them', async () => {
    const texts = ['a cat', 'a dog', 'the stock market', 'rain tomorrow', 'a kitten'];
    const ctx = makeContext({ model: models });
    const batched = (await runNode(embedNode, { deployment: 'embeddings', batch_size: 2 }, { text: texts }, ctx)) as number[][];
    expect(batched).toHaveLength(5);
    const model = await models({ deployment: 'embeddings' });
    for (const [i, t] of texts.entries()) {
      const [single] = (await model.embed!([t])).vectors;
      single.forEach((x, j) => expect(batched[i][j]).toBeCloseTo(x, 4));
    }
    const tokens = (await Promise.all(texts.map((t) => model.tokenize(t)))).reduce((s, ids) => s + ids.length, 0);
    expect(ctx.usage).toEqual([{ prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens }]);
  });

  it('refuses a chat model with a clear error', async () => {
    const err = await failureOf(runNode(embedNode, { deployment: 'chat' }, { text: 'x' }, makeContext({ model: models })));
    expect(err.code).toBe('unsupported_task');
  });
});
