import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { WeirError } from '../../errors.ts';
import { failureOf } from '../../../test/helpers/nodes/test-context.ts';
import { hasDevSet, NEEDS_DEV, PROMPTFLOW_DEV } from '../../../test/helpers/python-tools.ts';
import { readToolSignature } from './signature.ts';

describe('readToolSignature (python3 ast, never running the file)', () => {
  test('annotations map onto value types; literal defaults, **kwargs, the return type and imports are read', async () => {
    const source = [
      'import os',
      'from typing import Dict, List, Optional',
      'from promptflow.core import tool',
      'from promptflow.connections import AzureOpenAIConnection',
      'import bs4, requests.adapters',
      'from .local import x',
      'raise SystemExit("this file is never run")',
      '',
      '@tool',
      'def search(question: str, connection: AzureOpenAIConnection, top_k: int = 3, threshold: float = 0.5, strict: bool = False,',
      '           tags: List[str] = ["a", "b"], filters: Dict[str, str] = {}, note: Optional[str] = None, extra=os.sep, raw="x", **kwargs) -> dict:',
      '    return {}',
    ].join('\n');
    const sig = await readToolSignature(source);
    expect(sig).toEqual({
      function: 'search',
      params: [
        { name: 'question', type: 'string', annotation: 'str', has_default: false },
        { name: 'connection', type: 'connection', annotation: 'AzureOpenAIConnection', connection_class: 'AzureOpenAIConnection', has_default: false },
        { name: 'top_k', type: 'int', annotation: 'int', has_default: true, default: 3 },
        { name: 'threshold', type: 'double', annotation: 'float', has_default: true, default: 0.5 },
        { name: 'strict', type: 'bool', annotation: 'bool', has_default: true, default: false },
        { name: 'tags', type: 'list', annotation: 'List[str]', has_default: true, default: ['a', 'b'] },
        { name: 'filters', type: 'object', annotation: 'Dict[str, str]', has_default: true, default: {} },
        { name: 'note', type: 'string', annotation: 'Optional[str]', has_default: true, default: null },
        // A default that is not a literal: the parameter is optional, its value is not known.
        { name: 'extra', type: 'any', has_default: true },
        // No annotation: the literal default's type.
        { name: 'raw', type: 'string', has_default: true, default: 'x' },
      ],
      kwargs: true,
      returns: 'object',
      generator: false,
      imports: ['os', 'typing', 'promptflow', 'bs4', 'requests'],
    });
  });

  test('the @tool function is chosen over helpers (also @tool(...)), else the only public one, else the one named', async () => {
    const helpers = 'def _private():\n    pass\n\ndef helper(x):\n    return x\n\n';
    expect((await readToolSignature(`${helpers}@tool(name="n")\ndef main(a):\n    return a\n`)).function).toBe('main');
    expect((await readToolSignature(`def _private():\n    pass\n\ndef only(a):\n    return a\n`)).function).toBe('only');
    expect((await readToolSignature(`${helpers}def other(b):\n    return b\n`, { function: 'other' })).params.map((p) => p.name)).toEqual(['b']);
    const none = await failureOf(readToolSignature(`${helpers}def other(b):\n    return b\n`, { file: 'tools.py' }));
    expect(none).toBeInstanceOf(WeirError);
    expect(none.code).toBe('python_signature');
    expect(none.message).toBe('tools.py: no @tool function, and not exactly one public function to take instead');
    const named = await failureOf(readToolSignature(helpers, { function: 'missing', file: 'tools.py' }));
    expect(named.message).toBe('tools.py: no top-level function "missing" (functions: _private, helper)');
  });

  test('a union of connection classes is a connection of whichever type the connection has (prompt flow passes the object)', async () => {
    const source = 'from typing import Union\n\ndef f(a: Union[CustomConnection, AzureOpenAIConnection], b: "OpenAIConnection | CustomConnection", c: Union[str, CustomConnection]):\n    return 1\n';
    const sig = await readToolSignature(source);
    expect(sig.params.map((p) => [p.name, p.type, p.connection_class])).toEqual([['a', 'connection', undefined], ['b', 'connection', undefined], ['c', 'any', undefined]]);
  });

  test('a generator (a yield in its own body, not a nested function) streams', async () => {
    expect((await readToolSignature('def g(n: int):\n    for i in range(n):\n        yield i\n')).generator).toBe(true);
    expect((await readToolSignature('def g(n: int):\n    def inner():\n        yield 1\n    return list(inner())\n')).generator).toBe(false);
  });

  test('source that does not parse: python_signature naming the file and line', async () => {
    const err = await failureOf(readToolSignature('import os\n\ndef f(:\n    pass\n', { file: 'broken.py' }));
    expect(err.code).toBe('python_signature');
    expect(err.message).toMatch(/^broken\.py, line 3: the source does not parse: /);
  });

  test.skipIf(!hasDevSet)(`the dev set's hello.py (skipped without it: ${NEEDS_DEV})`, async () => {
    const sig = await readToolSignature(readFileSync(path.join(PROMPTFLOW_DEV, 'basic/hello.py'), 'utf8'), { file: 'hello.py' });
    expect(sig.function).toBe('my_python_tool');
    expect(sig.kwargs).toBe(true);
    expect(sig.returns).toBe('string');
    expect(sig.params.filter((p) => !p.has_default).map((p) => p.name)).toEqual(['prompt', 'deployment_name']);
    expect(sig.params.find((p) => p.name === 'logit_bias')).toEqual({ name: 'logit_bias', type: 'object', annotation: 'dict', has_default: true, default: {} });
    expect(sig.imports).toEqual(['os', 'openai', 'dotenv', 'promptflow']);
  });

  test('no python3: python_unavailable naming apt-get install python3', async () => {
    vi.resetModules();
    const saved = process.env.WEIR_PYTHON;
    process.env.WEIR_PYTHON = '/nonexistent/python3';
    try {
      const fresh = (await import('./signature.ts')) as typeof import('./signature.ts');
      const err = await failureOf(fresh.readToolSignature('def f():\n    pass\n'));
      expect(err.code).toBe('python_unavailable');
      expect(err.message).toContain('apt-get install python3');
    } finally {
      if (saved === undefined) delete process.env.WEIR_PYTHON;
      else process.env.WEIR_PYTHON = saved;
      vi.resetModules();
    }
  });
});
