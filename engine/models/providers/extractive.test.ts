import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../catalog-data.ts';
import { collect, type ChatMessage, type GenerationEvent, type LoadedModel, type ModelEntry } from '../types.ts';
import { FALLBACK_ANSWER } from './extractive-answer.ts';
import { splitChat, splitPassages, splitPrompt } from './extractive-context.ts';
import { EXTRACTIVE_CONTEXT_LENGTH, extractiveProvider } from './extractive.ts';
import { splitSentences } from './sentences.ts';
import { useLiteProvider } from './use-lite.ts';

const useEntry: ModelEntry = BUILTIN_MODELS.find((m) => m.id === 'use-lite')!;
const entry: ModelEntry = BUILTIN_MODELS.find((m) => m.id === 'weir-extractive')!;

const CHUNKS = `Answer only from the context below.

[1] Weir runs flows built on a canvas. Each flow is stored as a YAML file.
[2] The server listens on port 8080 by default. You can change the port with the --port option.
[3] Employees receive 25 days of paid leave per year. The office is closed on public holidays.`;

const PORT_ANSWER = 'The server listens on port 8080 by default. [2]';

let embedder: LoadedModel;
let model: LoadedModel;

const ask = (question: string, context = CHUNKS): ChatMessage[] => [
  { role: 'system', content: context },
  { role: 'user', content: question },
];
async function events(it: AsyncIterable<GenerationEvent>): Promise<GenerationEvent[]> {
  const out: GenerationEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}
const tokens = async (text: string) => (await embedder.tokenize(text)).length;

beforeAll(async () => {
  embedder = await useLiteProvider.load(useEntry, { threads: 1 });
  model = await extractiveProvider.load(entry, { threads: 1, embedder: async () => embedder });
});

describe('reading the prompt', () => {
  it('splits sentences at end punctuation and line breaks, not at abbreviations or initials', () => {
    expect(splitSentences('Dr. Smith met J. Doe, e.g. at noon. They talked! Did it help? Version 1.5 shipped.\n- one item\n---\nLast line'))
      .toEqual(['Dr. Smith met J. Doe, e.g. at noon.', 'They talked!', 'Did it help?', 'Version 1.5 shipped.', '- one item', 'Last line']);
  });

  it('takes numbered chunks as passages and leaves the instructions around them out', () => {
    expect(splitPassages([CHUNKS]).map((p) => [p.index, p.label, p.text.slice(0, 12)])).toEqual([
      [0, 1, 'Weir runs fl'],
      [1, 2, 'The server l'],
      [2, 3, 'Employees re'],
    ]);
  });

  it('numbers blank-line blocks from 1 when the context has no markers', () => {
    expect(splitPassages(['First block.\nStill first.\n\nSecond block.', 'Third block.']).map((p) => [p.index, p.label, p.text])).toEqual([
      [0, 1, 'First block.\nStill first.'],
      [1, 2, 'Second block.'],
      [2, 3, 'Third block.'],
    ]);
  });

  it('finds the question: last user message, or its last line when it carries the context too', () => {
    expect(splitChat([{ role: 'system', content: 'ctx' }, { role: 'assistant', content: 'earlier' }, { role: 'user', content: 'Why? Tell me.' }])).toEqual({
      context: ['ctx', 'earlier'],
      question: 'Why? Tell me.',
    });
    expect(splitChat([{ role: 'user', content: `${CHUNKS}\n\nQuestion: What port is used?\nAnswer:` }])).toEqual({ context: [CHUNKS], question: 'What port is used?' });
    expect(splitPrompt('Paris is in France. Where is Paris?')).toEqual({ context: ['Paris is in France.'], question: 'Where is Paris?' });
    expect(splitChat([{ role: 'system', content: 'no question here' }])).toEqual({ context: ['no question here'], question: '' });
  });
});

describe('extractive provider', () => {
  it('answers with the relevant sentence and cites its passage', async () => {
    const r = await collect(model.chat!(ask('What port does the server listen on?'), {}));
    expect(r.text).toBe(PORT_ANSWER);
    expect(r.finishReason).toBe('stop');
    expect(r.citations).toEqual([{ index: 1, text: 'The server listens on port 8080 by default.' }]);
  });

  it('streams one event per sentence, in reading order, each with its marker', async () => {
    const context = [
      '[1] Weir deploys a flow as a versioned HTTP endpoint with API keys. Bananas are rich in potassium.',
      '[2] The quarterly report is due on Friday.',
      '[3] Run weir deploy to publish the current flow version.',
    ].join('\n');
    const evs = await events(model.chat!(ask('How do I deploy a flow?', context), {}));
    expect(evs.filter((e) => e.type === 'text')).toEqual([
      { type: 'text', text: 'Weir deploys a flow as a versioned HTTP endpoint with API keys. [1]' },
      { type: 'text', text: ' Run weir deploy to publish the current flow version. [3]' },
    ]);
    expect(evs.at(-1)).toMatchObject({ type: 'done', citations: [{ index: 0 }, { index: 2 }] });
  });

  it('cites blank-line passages by their 1-based position across system and earlier messages', async () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Bananas are rich in potassium.\n\nThe quarterly report is due on Friday.' },
      { role: 'assistant', content: 'Paris is the capital and largest city of France.' },
      { role: 'user', content: 'What is the capital of France?' },
    ];
    const r = await collect(model.chat!(messages, {}));
    expect(r.text).toBe('Paris is the capital and largest city of France. [3]');
    expect(r.citations).toEqual([{ index: 2, text: 'Paris is the capital and largest city of France.' }]);
  });

  it('reads context and question from one user message, as a template without role lines makes it', async () => {
    const r = await collect(model.chat!([{ role: 'user', content: `${CHUNKS}\n\nQuestion: What port does the server listen on?\nAnswer:` }], {}));
    expect(r.text).toBe(PORT_ANSWER);
  });

  it('says so honestly when there is no context or it does not cover the question', async () => {
    for (const messages of [[{ role: 'user', content: 'What port does the server listen on?' }] as ChatMessage[], ask('Who wrote Hamlet?'), []]) {
      const r = await collect(model.chat!(messages, {}));
      expect(r).toMatchObject({ text: FALLBACK_ANSWER, finishReason: 'stop', citations: [] });
    }
  });

  it('gives the same answer every time, whatever temperature, top_p or seed say', async () => {
    const first = await events(model.chat!(ask('How many vacation days do employees get?'), {}));
    expect(first.length).toBeGreaterThan(1);
    for (const opts of [{}, { temperature: 2, topP: 0.1, seed: 7 }, { temperature: 0, seed: 1 }]) {
      expect(await events(model.chat!(ask('How many vacation days do employees get?'), opts))).toEqual(first);
    }
  });

  it('counts prompt tokens over every message and completion tokens over the answer', async () => {
    const messages = ask('What port does the server listen on?');
    const r = await collect(model.chat!(messages, {}));
    const prompt = (await tokens(messages[0].content)) + (await tokens(messages[1].content));
    const completion = await tokens(r.text);
    expect(r.usage).toEqual({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });
  });

  it('cuts the answer at max_tokens and says so', async () => {
    const r = await collect(model.chat!(ask('What port does the server listen on?'), { maxTokens: 5 }));
    expect(r.finishReason).toBe('length');
    expect(r.usage.completion_tokens).toBeLessThanOrEqual(5);
    expect(r.usage.completion_tokens).toBeGreaterThan(0);
    expect(PORT_ANSWER.startsWith(r.text)).toBe(true);
    expect(r.text.length).toBeLessThan(PORT_ANSWER.length);
  });

  it('keeps fewer sentences when the budget is small, the best one first', async () => {
    const context = '[1] Weir deploys a flow as a versioned HTTP endpoint with API keys.\n[2] Run weir deploy to publish the current flow version.';
    const full = await collect(model.chat!(ask('How do I deploy a flow?', context), {}));
    expect(full.citations).toHaveLength(2);
    const best = 'Run weir deploy to publish the current flow version. [2]';
    const r = await collect(model.chat!(ask('How do I deploy a flow?', context), { maxTokens: (await tokens(best)) + 2 }));
    expect(r).toMatchObject({ text: best, finishReason: 'length' });
  });

  it('stops before a stop sequence, which is not part of the text', async () => {
    const r = await collect(model.chat!(ask('What port does the server listen on?'), { stop: ['nowhere', '8080'] }));
    expect(r).toMatchObject({ text: 'The server listens on port ', finishReason: 'stop' });
    expect(r.usage.completion_tokens).toBe(await tokens(r.text));
    const untouched = await collect(model.chat!(ask('What port does the server listen on?'), { stop: ['nowhere'] }));
    expect(untouched.text).toBe(PORT_ANSWER);
  });

  it('completes a prompt whose last line (or last sentence) is the question', async () => {
    const context = 'Paris is the capital of France. Berlin is the capital of Germany.';
    for (const prompt of [`${context}\nWhat is the capital of Germany?`, `${context} What is the capital of Germany?`]) {
      const r = await collect(model.complete!(prompt, {}));
      expect(r.text).toBe('Berlin is the capital of Germany. [1]');
      expect(r.usage.prompt_tokens).toBe(await tokens(prompt));
    }
  });

  it('has an 8192-token context and refuses longer prompts', async () => {
    expect(model.contextLength).toBe(EXTRACTIVE_CONTEXT_LENGTH);
    const huge = 'The server listens on port 8080 by default. '.repeat(800);
    await expect(collect(model.chat!(ask('What port?', huge), {}))).rejects.toMatchObject({ code: 'context_length_exceeded', status: 400 });
  });

  it('keeps the event loop turning while it ranks the sentences of big retrieved chunks', async () => {
    // Eight chunks of 45 sentences (~7 000 tokens): every sentence is embedded, in the compute pool.
    const topics = ['river', 'oven', 'comet', 'ledger', 'garden', 'router', 'harbor', 'violin'];
    const context = topics
      .map((t, i) => `[${i + 1}] ` + Array.from({ length: 45 }, (_, k) => `Report ${k} says the ${t} near gate ${(k * 7 + i) % 50} was inspected by team ${k % 9} in week ${(k + i) % 52}.`).join(' '))
      .join('\n');
    let turns = 0;
    let on = true;
    const tick = () => {
      turns++;
      if (on) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const r = await collect(model.chat!(ask('Who inspected the comet near gate 23?', context), {}));
    on = false;
    expect(r.citations!.length).toBeGreaterThan(0);
    // On the event loop the whole answer was one turn: no timer fired until it was done.
    expect(turns).toBeGreaterThan(50);
  });

  it('honours the signal and needs an embedder to load', async () => {
    await expect(collect(model.chat!(ask('What port?'), { signal: AbortSignal.abort() }))).rejects.toMatchObject({ code: 'aborted', status: 499 });
    await expect(extractiveProvider.load(entry, { threads: 1 })).rejects.toMatchObject({ code: 'embedder_required' });
  });
});

describe('what it cannot do', () => {
  it('refuses tools and JSON answers with a 400 naming why, and passes tools under tool_choice none', async () => {
    const weather = { name: 'get_weather', parameters: { type: 'object', properties: {} } };
    await expect(collect(model.chat!(ask('Which port?'), { tools: [weather] }))).rejects.toMatchObject({
      code: 'unsupported_parameter',
      status: 400,
      path: ['tools'],
      message: expect.stringMatching(/extractive, not generative.*cannot call tools/),
    });
    for (const responseFormat of [{ type: 'json_schema' as const, name: 'x', schema: { type: 'object' } }, { type: 'json_object' as const }]) {
      await expect(collect(model.chat!(ask('Which port?'), { responseFormat }))).rejects.toMatchObject({
        code: 'unsupported_parameter',
        path: ['response_format'],
        message: expect.stringContaining(`cannot write JSON (response_format ${responseFormat.type})`),
      });
    }
    expect((await collect(model.chat!(ask('Which port?'), { tools: [weather], toolChoice: 'none', responseFormat: { type: 'text' } }))).text).toContain(PORT_ANSWER);
  });
});
