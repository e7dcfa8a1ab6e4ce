import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { presented, requireAdmin } from './auth.ts';
import { errorResponse } from './errors.ts';

/** Cases around the mutants Stryker left alive in auth.ts (see test/mutation/guards.md). */
describe('credentials', () => {
  const app = new Hono();
  app.onError(errorResponse);
  app.get('/presented', (c) => c.json({ key: presented(c) ?? null }));
  app.use('/admin', requireAdmin('the-admin-token'));
  app.get('/admin', (c) => c.json({ ok: true }));

  it('takes the key after "Bearer" however many spaces come between', async () => {
    for (const auth of ['Bearer the-admin-token', 'Bearer    the-admin-token', 'BEARER \tthe-admin-token']) {
      expect(await (await app.request('/presented', { headers: { authorization: auth } })).json(), auth).toEqual({ key: 'the-admin-token' });
      expect((await app.request('/admin', { headers: { authorization: auth } })).status, auth).toBe(200);
    }
  });

  it('a key pasted with a no-break space or form feed around it is still read (HTTP itself strips only spaces and tabs)', async () => {
    for (const headers of [{ 'api-key': '\u00a0the-admin-token\u00a0' }, { 'api-key': 'the-admin-token\f' }, { authorization: 'Bearer the-admin-token\u00a0' }] as Record<string, string>[]) {
      expect(await (await app.request('/presented', { headers })).json(), JSON.stringify(headers)).toEqual({ key: 'the-admin-token' });
      expect((await app.request('/admin', { headers })).status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('an Authorization header of another scheme (a proxy\'s Basic) is not read as the key; api-key still is', async () => {
    const headers = { authorization: 'Basic dXNlcjpwYXNz', 'api-key': 'the-admin-token' };
    expect(await (await app.request('/presented', { headers })).json()).toEqual({ key: 'the-admin-token' });
    expect((await app.request('/admin', { headers })).status).toBe(200);
  });
});
