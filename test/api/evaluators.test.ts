/**
 * The evaluator flows that call models (issue #16), run as stored flows through the real app:
 * embedding_similarity on the default embedder (use-lite, offline), and the five LLM-judged ones.
 *
 * No judge model exists offline, so the judge is a loopback OpenAI-compatible server started here,
 * registered in Weir as a real remote chat model deployment named `judge` through a connection (the
 * pattern of safety-classifiers.test.ts): the judge's call takes the path any remote chat call takes.
 * It answers by a marker word in the prompt, standing in for a real judge's verdict; what it was
 * asked is kept, so the prompt's scale definitions and the flow's inputs can be checked.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';
import { ROOT } from '../helpers/cli.ts';

let api: Api;
let judgeServer: Server;
const asked: { system: string; user: string; temperature: unknown }[] = [];

/** The fake judge's verdict, by marker word in the answer under evaluation. */
function verdict(prompt: string): string {
  if (prompt.includes('garbled')) return 'I would rather not rate this.';
  if (prompt.includes('halfway')) return '4.5/5';
  if (prompt.includes('overboard')) return '10';
  if (prompt.includes('chatty')) return 'Score: 2 stars, because the answer wanders.';
  return '4';
}

const flowText = (name: string) => readFileSync(path.join(ROOT, 'flows/evaluators', `${name}.flow.yaml`), 'utf8');
const run = (flow: string, inputs: Record<string, unknown>) => api.call('POST', `/api/flows/${flow}/runs`, { inputs });

beforeAll(async () => {
  judgeServer = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const body = JSON.parse(raw);
      const system = body.messages.find((m: { role: string }) => m.role === 'system')?.content ?? '';
      const user = body.messages.at(-1).content;
      asked.push({ system, user, temperature: body.temperature });
      const answer = verdict(user);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ id: 'j', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }], usage: { prompt_tokens: 400, completion_tokens: 2, total_tokens: 402 } }),
      );
    });
  });
  await new Promise<void>((resolve) => judgeServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(judgeServer.address() as AddressInfo).port}`;

  api = makeApi();
  expect((await api.call('PUT', '/api/connections/judge-conn', { type: 'openai', settings: { base_url: `${url}/v1` } })).status).toBe(201);
  const judge = await api.call('POST', '/api/deployments', { name: 'judge', model: 'gpt-4o', connection: 'judge-conn', remote_model: 'gpt-4o' });
  expect(judge.status, judge.text).toBe(201);
  expect((await api.call('POST', '/api/deployments', { name: 'embeddings', model: 'use-lite' })).status).toBe(201);
  for (const name of ['groundedness', 'relevance', 'coherence', 'fluency', 'similarity', 'embedding_similarity']) {
    const r = await api.call('POST', '/api/flows', flowText(name));
    expect(r.status, r.text).toBe(201);
  }
  await api.ws.models.get('embeddings');
}, 120_000);

afterAll(async () => {
  await api?.close();
  judgeServer?.closeAllConnections();
  await new Promise((resolve) => judgeServer?.close(resolve));
});

describe('LLM-judged evaluators', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['groundedness', { answer: 'The library is closed on Mondays.', context: 'The library opens every day except Monday.' }, '5: the ANSWER follows logically from the information contained in the CONTEXT.'],
    ['relevance', { question: 'When did the bridge open?', answer: 'In 1932.', context: 'The bridge opened in 1932.' }, '5 stars: the answer has perfect relevance'],
    ['coherence', { question: 'Why is the sky blue?', answer: 'Air scatters blue light more than red light.' }, '1 star: the answer completely lacks coherence'],
    ['fluency', { question: 'Why is the sky blue?', answer: 'Air scatters blue light more than red light.' }, '3 stars: the answer is partially fluent'],
    ['similarity', { question: 'Why is the sky blue?', answer: 'Blue light scatters most.', ground_truth: 'Air scatters short blue wavelengths more.' }, '4 stars: the predicted answer is mostly similar to the correct answer'],
  ];

  it.each(cases)('%s: asks the judge with the 1-5 scale and the inputs, and parses its "4"', async (flow, inputs, definition) => {
    asked.length = 0;
    const r = await run(flow, inputs);
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toBe('succeeded');
    expect(r.json.outputs).toEqual({ score: 4, reason: null, judge_answer: '4' });
    expect(asked).toHaveLength(1);
    expect(asked[0].system).toContain('Reply with a single integer from 1 to 5');
    expect(asked[0].temperature).toBe(0);
    expect(asked[0].user).toContain(definition);
    for (const value of Object.values(inputs)) expect(asked[0].user).toContain(value);
    // The judge's tokens are the run's usage, as any llm node's are.
    expect(r.json.usage).toMatchObject({ prompt_tokens: 400, completion_tokens: 2 });
  });

  it('takes the first number of a wordier verdict', async () => {
    const r = await run('coherence', { question: 'q', answer: 'A chatty answer.' });
    expect(r.json.outputs).toMatchObject({ score: 2, reason: null });
  });

  it.each([
    ['garbled', 'the judge answered no number: I would rather not rate this.'],
    ['halfway', "the judge's first number, 4.5, is not a whole number from 1 to 5: 4.5/5"],
    ['overboard', "the judge's first number, 10, is not a whole number from 1 to 5: 10"],
  ])('an answer that is no 1-5 score (%s) is score null with the reason, and the run still succeeds', async (marker, reason) => {
    const r = await run('fluency', { question: 'q', answer: `A ${marker} answer.` });
    expect(r.json.status).toBe('succeeded');
    expect(r.json.outputs).toMatchObject({ score: null, reason });
  });

  it('a judge deployment that does not exist fails the run naming it', async () => {
    await api.call('PUT', '/api/flows/fluency', flowText('fluency').replace('deployment: judge', 'deployment: no-judge'));
    const r = await run('fluency', { question: 'q', answer: 'a' });
    expect(r.json.status).toBe('failed');
    expect(r.json.error.message).toContain('no-judge');
  });
});

describe('embedding_similarity (default embedder, offline)', () => {
  it('identical texts score 1; a paraphrase scores higher than an unrelated text', async () => {
    const same = await run('embedding_similarity', { answer: 'The cat sat on the mat.', ground_truth: 'The cat sat on the mat.' });
    expect(same.json.status, same.text).toBe('succeeded');
    expect(same.json.outputs.score).toBeCloseTo(1, 5);
    const close = await run('embedding_similarity', { answer: 'A cat is sitting on the rug.', ground_truth: 'The cat sat on the mat.' });
    const far = await run('embedding_similarity', { answer: 'Interest rates rose in March.', ground_truth: 'The cat sat on the mat.' });
    expect(close.json.outputs.score).toBeGreaterThan(far.json.outputs.score);
    expect(close.json.outputs.reason).toBeNull();
  });
});
