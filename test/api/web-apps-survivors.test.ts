/**
 * Cases around the mutants Stryker left alive in engine/api/routes/web-apps.ts (see
 * test/mutation/web-apps.md): what a refused rating says. The real app over real SQLite, in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApi, parseSse } from '../helpers/api.ts';

const api = makeApi();
const VISITOR = 'survivor-visitor-0001';
let answerId: string;

beforeAll(async () => {
  expect((await api.call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
  expect((await api.call('PATCH', '/api/deployments/chat', { web_app: { enabled: true } })).status).toBe(200);
  const r = await api.call('POST', '/apps/chat/chat', { message: 'Vienna lies on the Danube.\n\nWhich river?' }, { 'weir-visitor': VISITOR });
  const events = parseSse(r.text);
  expect(events.at(-1)?.event, r.text).toBe('done');
  answerId = events[0].data.message_id;
});
afterAll(() => api.close());

describe('feedback on an answer', () => {
  const rate = (body: unknown) => api.call('POST', `/apps/chat/messages/${answerId}/feedback`, body, { 'weir-visitor': VISITOR });

  it('says which ratings there are when given another', async () => {
    const r = await rate({ rating: 'meh' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ param: 'rating', message: 'rating: rating is "up" or "down"' });
  });

  it('says how long a comment may be', async () => {
    const r = await rate({ rating: 'down', comment: 'x'.repeat(2001) });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ param: 'comment', message: 'comment: the comment is at most 2000 characters' });
    expect((await rate({ rating: 'down', comment: 'x'.repeat(2000) })).status).toBe(200);
  });
});
