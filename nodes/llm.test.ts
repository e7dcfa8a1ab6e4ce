import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../engine/models/types.ts';
import type { ModelRef } from '../engine/node-definition.ts';
import { parseChatMessages } from './lib/chat-messages.ts';
import { loadDefaultModels } from '../test/helpers/nodes/test-models.ts';
import { llmNode } from './llm.ts';
import { failureOf, makeContext, runNode } from '../test/helpers/nodes/test-context.ts';

let models: (ref: ModelRef) => Promise<LoadedModel>;
beforeAll(async () => {
  models = await loadDefaultModels();
});

const TEMPLATE = `system:
Answer from the context.
[1] Paris is the capital of France. It is known for the Eiffel Tower.
[2] Bananas are rich in potassium.
user:
{{ question }}`;

describe('parseChatMessages', () => {
  it('splits prompt-flow role lines into messages', () => {
    expect(parseChatMessages('# system:\nBe brief.\n\nuser:\nHi there\nassistant:\nHello!\nUser:\nAnd?')).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi there' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'And?' },
    ]);
  });

  it('reads a template without role lines as one user message, and refuses an empty one', () => {
    expect(parseChatMessages('just a question?')).toEqual([{ role: 'user', content: 'just a question?' }]);
    expect(() => parseChatMessages('system:\n\nuser:\n  ')).toThrow(/no message text/);
  });
});

describe('llm node', () => {
  it('renders the template into messages, streams the answer and reports usage', async () => {
    const ctx = makeContext({ model: models });
    const config = llmNode.config.parse({ deployment: 'chat', template: TEMPLATE });
    const prepared = llmNode.prepare!(config, {});
    const out = llmNode.run(ctx, { question: 'What is the capital of France?' }, config, prepared) as AsyncIterable<string>;
    const chunks: string[] = [];
    for await (const c of out) chunks.push(c);
    const answer = chunks.join('');
    expect(answer).toContain('Paris is the capital of France.');
    expect(answer).toContain('[1]');
    expect(answer).not.toContain('Bananas');
    expect(ctx.usage).toHaveLength(1);
    expect(ctx.usage[0].prompt_tokens).toBeGreaterThan(10);
    expect(ctx.usage[0].completion_tokens).toBeGreaterThan(0);
    expect(ctx.usage[0].total_tokens).toBe(ctx.usage[0].prompt_tokens! + ctx.usage[0].completion_tokens!);
  });

  it('passes max_tokens through (the answer is cut)', async () => {
    const full = (await runNode(llmNode, { deployment: 'chat', template: TEMPLATE }, { question: 'Paris and the Eiffel Tower?' }, makeContext({ model: models }))) as string;
    const cut = (await runNode(llmNode, { deployment: 'chat', template: TEMPLATE, max_tokens: 3 }, { question: 'Paris and the Eiffel Tower?' }, makeContext({ model: models }))) as string;
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.length).toBeLessThan(full.length);
  });

  it('runs completion mode on the prompt text', async () => {
    const out = await runNode(llmNode, { deployment: 'chat', mode: 'completion', template: 'Paris is the capital of France.\nBananas are yellow.\nWhat is the capital of France?' }, {}, makeContext({ model: models }));
    expect(out).toContain('Paris');
  });

  it('fails clearly for an unknown deployment and for a model that cannot chat', async () => {
    const missing = await failureOf(runNode(llmNode, { deployment: 'nope', template: 'hi' }, {}, makeContext({ model: models })));
    expect(missing.code).toBe('model_not_found');
    const wrong = await failureOf(runNode(llmNode, { deployment: 'embeddings', template: 'hi' }, {}, makeContext({ model: models })));
    expect(wrong.code).toBe('unsupported_task');
  });

  it('renders its prompt in the sandbox: an escape is refused before the model is called', async () => {
    let called = false;
    const ctx = makeContext({ model: async (ref) => ((called = true), models(ref)) });
    const err = await failureOf(runNode(llmNode, { deployment: 'chat', template: 'user:\n{{ range.constructor("return process.pid")() }}' }, {}, ctx));
    expect(err).toMatchObject({ code: 'template_unsafe' });
    expect(err.message).not.toContain(String(process.pid));
    expect(called).toBe(false);
  });

  it('refuses configs that do not name exactly one model source', () => {
    const issue = (c: unknown) => llmNode.config.safeParse(c).error?.issues[0];
    expect(issue({ template: 'x' })?.path).toEqual(['deployment']);
    expect(issue({ connection: 'openai', template: 'x' })?.path).toEqual(['model']);
    expect(issue({ deployment: 'chat', model: 'gpt-4o', template: 'x' })?.path).toEqual(['model']);
    expect(issue({ deployment: 'chat' })?.path).toEqual(['template']);
    expect(llmNode.check!(llmNode.config.parse({ connection: 'gone', model: 'm', template: 'x' }), { connections: new Set(['openai']) })[0].code).toBe('connection_not_found');
  });
});
