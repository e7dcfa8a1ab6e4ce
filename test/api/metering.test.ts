import { afterEach, beforeEach, expect, it } from 'vitest';
import { deployed, makeApi, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi()));
afterEach(() => api.close());

const METERED = `weir: 1
name: metered
outputs:
  ok: \${u.output.ok}
nodes:
  - name: u
    type: usage
    config: { prompt: 12, completion: 5 }
`;

it('meters requests and tokens per deployment, key and minute', async () => {
  const { key } = await deployed(api, METERED, 'metered');
  const second = (await api.call('POST', '/api/deployments/metered/keys', { name: 'second' })).json;
  for (let i = 0; i < 3; i++) expect((await api.call('POST', '/deployments/metered/score', {}, { authorization: `Bearer ${key}` })).json).toEqual({ ok: true });
  await api.call('POST', '/deployments/metered/score', {}, { authorization: `Bearer ${second.key}` });
  await api.ws.runs.usage.flush();
  const rows = (await api.store.usage.list('metered'));
  const total = rows.reduce((s, r) => ({ requests: s.requests + r.requests, prompt: s.prompt + r.promptTokens, completion: s.completion + r.completionTokens }), { requests: 0, prompt: 0, completion: 0 });
  expect(total).toEqual({ requests: 4, prompt: 48, completion: 20 });
  expect(rows.find((r) => r.keyId === second.id)?.requests).toBe(1);
});

it('serves an API reference page that needs no network', async () => {
  const r = await api.app.request('/docs');
  expect(r.headers.get('content-type')).toContain('text/html');
  const html = await r.text();
  expect(html).toContain('/openapi.json');
  expect(html).not.toMatch(/https?:\/\//);
});
