/** The web app's page and embed script as files: served when built, a 503 saying how to build them when not. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAppRoutes } from '../../engine/api/routes/web-apps.ts';
import { makeApi } from '../helpers/api.ts';

const api = makeApi();
beforeAll(async () => {
  expect((await api.call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
  expect((await api.call('PATCH', '/api/deployments/chat', { web_app: { enabled: true } })).status).toBe(200);
});
afterAll(() => api.close());

describe('the built files of the web app', () => {
  it('serves the built page and script, never cached, framable by any site', async () => {
    const built = webAppRoutes(api.ws, async (file) => (file === 'app.html' ? '<!doctype html><title>the app page</title>' : 'window.weirEmbed = 1;'));
    const page = await built.request('/chat');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('the app page');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toBe('frame-ancestors *');
    const js = await built.request('/chat/embed.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(await js.text()).toBe('window.weirEmbed = 1;');
  });

  it('says how to build them when they are not built (503), the script as JavaScript', async () => {
    const unbuilt = webAppRoutes(api.ws, async () => null);
    const page = await unbuilt.request('/chat');
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('npm run build');
    const js = await unbuilt.request('/chat/embed.js');
    expect(js.status).toBe(503);
    expect(js.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(await js.text()).toMatch(/^console\.error\(.*npm run build/);
    // An app that is not there is not available, built or not.
    expect((await unbuilt.request('/nope')).status).toBe(404);
  });
});
