import { Hono } from 'hono';
import { WeirError } from '../../errors.ts';
import { readToolSignature } from '../../sandbox/python/signature.ts';
import { readJsonObject } from '../body.ts';
import { errorBody } from '../errors.ts';

const MAX_CODE = 1024 * 1024;
const FUNCTION = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Each read is one short python3 process: a burst of requests waits its turn instead of forking without end.
const MAX_AT_ONCE = 4;

const invalid = (param: string, message: string) => new WeirError('invalid_request', message, { status: 400, path: [param] });

let running = 0;
const waiting: (() => void)[] = [];
async function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function readRequest(body: Record<string, unknown>): { code: string; fn?: string } {
  for (const key of Object.keys(body)) if (key !== 'code' && key !== 'function') throw invalid(key, `unknown field "${key.slice(0, 60)}": send {code, function?}`);
  const { code, function: fn } = body;
  if (typeof code !== 'string') throw invalid('code', `code must be the Python source as a string, not ${code === undefined ? 'missing' : code === null ? 'null' : Array.isArray(code) ? 'an array' : typeof code}`);
  if (Buffer.byteLength(code) > MAX_CODE) throw new WeirError('body_too_large', `code is larger than ${MAX_CODE} bytes`, { status: 413, path: ['code'] });
  if (code.includes('\u0000')) throw new WeirError('python_signature', 'code holds a NUL byte: it is binary, not Python source', { status: 422, path: ['code'] });
  if (LONE_SURROGATE.test(code)) throw new WeirError('python_signature', 'code holds a lone UTF-16 surrogate: it is not text Python can read', { status: 422, path: ['code'] });
  if (fn !== undefined && (typeof fn !== 'string' || !FUNCTION.test(fn))) throw invalid('function', `function must be a Python function name, not ${JSON.stringify(fn)?.slice(0, 60)}`);
  return { code, fn };
}

/**
 * POST /api/python/signature {code, function?}: a tool function's signature, read with python3's `ast`
 * (the code is never run), so the studio's ports follow code as it is edited.
 */
export function pythonRoutes(): Hono {
  const app = new Hono();
  app.post('/signature', async (c) => {
    const { code, fn } = readRequest(await readJsonObject(c));
    try {
      return c.json(await inTurn(() => readToolSignature(code, { function: fn, file: 'code' })));
    } catch (err) {
      if (!(err instanceof WeirError) || err.code !== 'python_signature') throw err;
      // The line goes beside the message, so the editor can point at it without reading the text.
      const body = errorBody(422, 'python_signature', err.message, 'code');
      const line = /\bline (\d+)\b/.exec(err.message)?.[1];
      return c.json({ error: { ...body.error, ...(line ? { line: Number(line) } : {}) } }, 422);
    }
  });
  return app;
}
