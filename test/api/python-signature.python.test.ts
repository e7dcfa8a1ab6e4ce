/**
 * POST /api/python/signature: what the studio calls as a python node's code is edited, so its ports
 * follow the code. Real python3 (`ast`; the code is never run); hostile bodies get a 4xx naming
 * what is wrong, never a 500.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';

let api: Api;
beforeEach(() => (api = makeApi({ maxBodyBytes: 4 * 1024 * 1024 })));
afterEach(() => api.close());

const TOOL = 'from promptflow.core import tool\n\n\n@tool\ndef my_tool(text: str, k: int = 2, **kwargs) -> str:\n    return text * k\n';

describe('POST /api/python/signature', () => {
  it('answers the signature of the @tool function: params with types and defaults, **kwargs, returns, generator', async () => {
    const res = await api.call('POST', '/api/python/signature', { code: TOOL });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      function: 'my_tool',
      params: [
        { name: 'text', type: 'string', annotation: 'str', has_default: false },
        { name: 'k', type: 'int', annotation: 'int', has_default: true, default: 2 },
      ],
      kwargs: true,
      returns: 'string',
      generator: false,
      imports: ['promptflow'],
    });
    const gen = await api.call('POST', '/api/python/signature', { code: 'def helper(x):\n    return x\n\ndef chunks(q: str):\n    yield q\n', function: 'chunks' });
    expect(gen.status, gen.text).toBe(200);
    expect(gen.json).toMatchObject({ function: 'chunks', generator: true, params: [{ name: 'q', type: 'string' }] });
  }, 30_000);

  it('refuses code that does not parse with 422 python_signature naming the line, and a function that is not there', async () => {
    const res = await api.call('POST', '/api/python/signature', { code: 'from promptflow.core import tool\n\n@tool\ndef f(a):\n    return (a\n' });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({ code: 'python_signature', param: 'code', line: 5 });
    expect(res.json.error.message).toMatch(/^code, line 5: the source does not parse/);
    const missing = await api.call('POST', '/api/python/signature', { code: TOOL, function: 'other' });
    expect(missing.status).toBe(422);
    expect(missing.json.error.message).toBe('code: no top-level function "other" (functions: my_tool)');
    expect(missing.json.error.line).toBeUndefined();
  }, 30_000);

  it('handles hostile bodies: not a string, not JSON, unknown fields, a bad function name, binary, huge', async () => {
    const cases: [unknown, number, string, string | null][] = [
      [{}, 400, 'invalid_request', 'code'],
      [{ code: 42 }, 400, 'invalid_request', 'code'],
      [{ code: ['def f(): pass'] }, 400, 'invalid_request', 'code'],
      [{ code: null }, 400, 'invalid_request', 'code'],
      [[TOOL], 400, 'invalid_request', null],
      [{ code: TOOL, function: 'os.system' }, 400, 'invalid_request', 'function'],
      [{ code: TOOL, function: 7 }, 400, 'invalid_request', 'function'],
      [{ code: TOOL, extra: true }, 400, 'invalid_request', 'extra'],
      [{ code: 'def f():\n    return 1\n\u0000\u0001\u00ff' }, 422, 'python_signature', 'code'],
      [{ code: 'def f():\n    return "\udc80"\n' }, 422, 'python_signature', 'code'],
      [{ code: `# ${'x'.repeat(1024 * 1024)}\ndef f():\n    pass\n` }, 413, 'body_too_large', 'code'],
    ];
    for (const [body, status, code, param] of cases) {
      const res = await api.call('POST', '/api/python/signature', body);
      expect([res.status, res.json?.error?.code, res.json?.error?.param], JSON.stringify(body).slice(0, 80)).toEqual([status, code, param]);
    }
    for (const [text, code] of [['{"code": ', 'invalid_json'], ['null', 'invalid_request'], ['"def f(): pass"', 'invalid_request'], ['['.repeat(70) + ']'.repeat(70), 'json_too_deep'], ['code: x', 'invalid_json']]) {
      const res = await api.call('POST', '/api/python/signature', text, { 'content-type': 'application/json' });
      expect([res.status, res.json.error.code], text.slice(0, 20)).toEqual([400, code]);
    }
  }, 30_000);

  it('takes the admin token, like every /api route', async () => {
    const res = await api.app.request('/api/python/signature', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: TOOL }) });
    expect(res.status).toBe(401);
  });

  it('answers 503 python_unavailable naming apt-get install python3 when there is no python3', { timeout: 60_000 }, async () => {
    const saved = process.env.WEIR_PYTHON;
    process.env.WEIR_PYTHON = '/nonexistent/python3';
    // A fresh module graph: the python3 found by the tests above is remembered by the one they used.
    vi.resetModules();
    const fresh = (await import('../helpers/api.ts')).makeApi();
    try {
      const res = await fresh.call('POST', '/api/python/signature', { code: TOOL });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('python_unavailable');
      expect(res.json.error.message).toContain('apt-get install python3');
    } finally {
      await fresh.close();
      if (saved === undefined) delete process.env.WEIR_PYTHON;
      else process.env.WEIR_PYTHON = saved;
    }
  });
});
