/**
 * The streamed answer's one judging path (engine/api/routes/openai-serve.ts `release`), shared by
 * /v1 streams and the web app: what the monitor is given, and when. The judge is a loopback
 * OpenAI-compatible server answering as Llama Guard 3 does (as in safety-classifiers.test.ts): an
 * answer mentioning a giraffe is unsafe. A remote judge reads the answer in 200-character windows,
 * so a short answer is judged only when it ends: the last window decides.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, makeApi, type Api } from '../helpers/api.ts';

let api: Api;
let judge: Server;
const sampled: { deployment: string; outputs: Record<string, unknown> }[] = [];

beforeAll(async () => {
  judge = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const content: string = JSON.parse(raw).messages.at(-1).content;
      const turn = content.slice(content.indexOf('<BEGIN CONVERSATION>'), content.indexOf('<END CONVERSATION>'));
      const unsafe = content.includes("'Agent' messages") && turn.includes('giraffe');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id: 'g', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: unsafe ? 'unsafe\nS1' : 'safe' }, finish_reason: 'stop' }], usage: { prompt_tokens: 300, completion_tokens: 3, total_tokens: 303 },
      }));
    });
  });
  await new Promise<void>((ok) => judge.listen(0, '127.0.0.1', ok));
  api = makeApi();
  // What the monitor is handed, seen as it is handed over (the sampler itself runs unchanged).
  const sample = api.ws.monitors.sample.bind(api.ws.monitors);
  api.ws.monitors.sample = (call) => {
    sampled.push({ deployment: call.deployment, outputs: call.outputs });
    sample(call);
  };
  expect((await api.call('PUT', '/api/connections/guard-conn', { type: 'openai', settings: { base_url: `http://127.0.0.1:${(judge.address() as AddressInfo).port}/v1` } })).status).toBe(201);
  expect((await api.call('POST', '/api/deployments', { name: 'guard', model: 'gpt-4o', connection: 'guard-conn', remote_model: 'llama-guard3' })).status).toBe(201);
  expect((await api.call('PUT', '/api/safety-policies/judged', { classifier: { type: 'llm_judge', deployment: 'guard' } })).status).toBe(200);
  expect((await api.call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive', safety_policy: 'judged' })).status).toBe(201);
  expect((await api.call('PUT', '/api/flows/mentions', 'weir: 1\nname: mentions\ninputs:\n  answer: { type: string }\noutputs:\n  score: ${judge.output}\nnodes:\n  - name: judge\n    type: transform\n    inputs: { answer: ${inputs.answer} }\n    config: { expression: "$length(answer)" }\n')).status).toBeLessThan(300);
  const m = await api.call('PUT', '/api/deployments/chat/monitor', { sampling_rate: 1, evaluators: [{ flow: 'mentions', inputs: { answer: '${outputs.answer}' } }] });
  expect(m.status, m.text).toBe(200);
}, 60_000);

afterAll(async () => {
  await api?.close();
  judge.closeAllConnections();
  await new Promise((ok) => judge.close(ok));
});

const streamed = (context: string, question: string) =>
  api.call('POST', '/v1/chat/completions', { model: 'chat', stream: true, messages: [{ role: 'system', content: context }, { role: 'user', content: question }] }, { authorization: `Bearer ${ADMIN}` });

describe('a streamed answer and the monitor', () => {
  it('gives the monitor a streamed answer that passed, whole', async () => {
    sampled.length = 0;
    const r = await streamed('Vienna lies on the Danube.', 'Which river?');
    expect(r.status, r.text).toBe(200);
    const chunks = r.text.split('\n\n').filter((b) => b.startsWith('data: {')).map((b) => JSON.parse(b.slice(6)));
    const text = chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
    expect(text).toContain('Danube');
    expect(sampled).toEqual([{ deployment: 'chat', outputs: { answer: text } }]);
  });

  it('does not give the monitor an answer its last window withheld', async () => {
    sampled.length = 0;
    const r = await streamed('The giraffe lives in Vienna.', 'Which city does the giraffe live in?');
    expect(r.status, r.text).toBe(200);
    expect(r.text).toContain('"finish_reason":"content_filter"');
    expect(r.text).not.toContain('giraffe');
    expect(sampled).toEqual([]);
  });
});
