import { Hono } from 'hono';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING } from '../flow/nesting.ts';
import { intParam, parseJsonText, readJson, readJsonObject } from './body.ts';
import { errorResponse } from './errors.ts';

/** Cases around the mutants Stryker left alive in body.ts (see README, Mutation testing). */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('JSON bodies', () => {
  it('accepts nesting exactly at the limit and refuses one level more', () => {
    expect(() => parseJsonText(nested(MAX_NESTING))).not.toThrow();
    expect(() => parseJsonText(nested(MAX_NESTING + 1))).toThrow(expect.objectContaining({ code: 'json_too_deep', status: 400 }));
    expect(() => parseJsonText(nested(MAX_NESTING + 1))).toThrow(`JSON nests deeper than ${MAX_NESTING} levels`);
  });

  it('names what is wrong with invalid JSON', () => {
    expect(() => parseJsonText('{"a":')).toThrow(expect.objectContaining({ code: 'invalid_json', status: 400 }));
    let parserSays = '';
    try {
      JSON.parse('{"a":');
    } catch (err) {
      parserSays = (err as Error).message;
    }
    expect(() => parseJsonText('{"a":')).toThrow(`the body is not valid JSON: ${parserSays}`);
  });

  const app = new Hono();
  app.onError(errorResponse);
  app.post('/object', async (c) => c.json(await readJsonObject(c)));
  app.post('/schema', async (c) => c.json(await readJson(c, z.object({ limit: z.object({ n: z.number() }) }).strict())));
  app.get('/int', (c) => c.json({ n: intParam(c.req.query('n'), 'n') ?? null }));
  const post = (path: string, body: string) => app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; param: string | null } }).error;

  it('reads an empty or whitespace-only body as {}', async () => {
    for (const body of ['', '  \n\t ']) expect(await (await post('/object', body)).json()).toEqual({});
  });

  it('refuses a body that is not an object, naming what it is', async () => {
    for (const [body, what] of [['[1]', 'an array'], ['null', 'null'], ['"x"', 'string']]) {
      const res = await post('/object', body);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message).toContain(what);
    }
  });

  it('names the field a schema refused, in the message and as the error param', async () => {
    const res = await post('/schema', '{"limit":{"n":"seven"}}');
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: 'invalid_request', param: 'limit.n' });
    expect(error.message).toMatch(/^limit\.n: /);
  });

  it('a schema refusing the whole body gives the bare reason, with no field named', async () => {
    const res = await post('/schema', '[]');
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code: 'invalid_request', param: null });
    const expected = z.object({}).safeParse([]).error?.issues[0].message;
    expect(error.message).toBe(expected);
  });

  it('takes whole numbers from 0 up in integer parameters and names the parameter otherwise', async () => {
    expect(await (await app.request('/int?n=0')).json()).toEqual({ n: 0 });
    expect(await (await app.request('/int?n=12')).json()).toEqual({ n: 12 });
    expect(await (await app.request('/int')).json()).toEqual({ n: null });
    for (const bad of ['-1', '1.5', 'x', 'Infinity']) {
      const res = await app.request(`/int?n=${bad}`);
      expect(res.status, bad).toBe(400);
      const error = await errorOf(res);
      expect(error, bad).toMatchObject({ code: 'invalid_request', param: 'n' });
      expect(error.message).toContain(`"${bad}"`);
    }
  });
});
