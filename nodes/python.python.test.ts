import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { WeirError } from '../engine/errors.ts';
import { closePythonPools, pythonPoolStats } from '../engine/sandbox/python/pool.ts';
import { readToolSignature } from '../engine/sandbox/python/signature.ts';
import { failureOf } from '../test/helpers/nodes/test-context.ts';
import { hasDevSet, inlineTool, NEEDS_DEV, processGone, PROMPTFLOW_DEV, pyContext, runPython, tempFlowDir } from '../test/helpers/python-tools.ts';
import { pythonNode } from './python.ts';

afterAll(() => closePythonPools());


/** A dev-set tool through the node: code_file in its own folder, signature read from the file. */
async function devTool(flow: string, file: string, inputs: Record<string, unknown>) {
  const dir = path.join(PROMPTFLOW_DEV, flow);
  const ctx = pyContext({ flowDir: dir });
  const source = readFileSync(path.join(dir, file), 'utf8');
  const signature = await readToolSignature(source, { file });
  const config = { code_file: file, function: signature.function, signature };
  return { out: await runPython(config, inputs, ctx), ctx };
}

describe.skipIf(!hasDevSet)(`the prompt flow development set's stdlib tools run unmodified${hasDevSet ? '' : ` (skipped: ${NEEDS_DEV})`}`, () => {
  test('class_check (conditional-flow-for-switch)', async () => {
    const ctx = pyContext({ flowDir: path.join(PROMPTFLOW_DEV, 'conditional-flow-for-switch') });
    const config = { code_file: 'class_check.py', function: 'class_check', signature: await readToolSignature(readFileSync(path.join(PROMPTFLOW_DEV, 'conditional-flow-for-switch/class_check.py'), 'utf8')) };
    expect(await runPython(config, { llm_result: 'The intention is Product_Info.' }, ctx)).toBe('product_info');
    expect(await runPython(config, { llm_result: 'no idea' }, ctx)).toBe('unknown');
  });

  test('order_search: its print lines become log lines, the result is intact', async () => {
    const ctx = pyContext({ flowDir: path.join(PROMPTFLOW_DEV, 'conditional-flow-for-switch') });
    const source = readFileSync(path.join(PROMPTFLOW_DEV, 'conditional-flow-for-switch/order_search.py'), 'utf8');
    const out = await runPython({ code_file: 'order_search.py', function: 'order_search', signature: await readToolSignature(source) }, { query: 'where is my order?' }, ctx);
    expect(out).toBe('Your order is being mailed, please wait patiently.');
    expect(ctx.logs.map((l) => l.message)).toEqual(['Your query is where is my order?.', 'Searching for order...']);
  });

  test('grade and calculate_accuracy (eval-classification-accuracy): log_metric becomes a run metric', async () => {
    const ctx = pyContext({ flowDir: path.join(PROMPTFLOW_DEV, 'eval-classification-accuracy') });
    const gradeSrc = readFileSync(path.join(PROMPTFLOW_DEV, 'eval-classification-accuracy/grade.py'), 'utf8');
    const grade = { code_file: 'grade.py', function: 'grade', signature: await readToolSignature(gradeSrc) };
    expect(await runPython(grade, { groundtruth: 'App', prediction: 'app' }, ctx)).toBe('Correct');
    expect(await runPython(grade, { groundtruth: 'App', prediction: 'Channel' }, ctx)).toBe('Incorrect');
    const accSrc = readFileSync(path.join(PROMPTFLOW_DEV, 'eval-classification-accuracy/calculate_accuracy.py'), 'utf8');
    const acc = { code_file: 'calculate_accuracy.py', function: 'calculate_accuracy', signature: await readToolSignature(accSrc) };
    const grades = ['Correct', 'Incorrect', 'Correct', 'Correct'];
    expect(await runPython(acc, { grades }, ctx)).toEqual(grades);
    expect(ctx.metrics).toEqual([['accuracy', 0.75]]);
  });

  test('convert_to_dict and prepare_examples (web-classification)', async () => {
    const { out } = await devTool('web-classification', 'convert_to_dict.py', { input_str: '{"category": "App", "evidence": "URL"}' });
    expect(out).toEqual({ category: 'App', evidence: 'URL' });
    const bad = await devTool('web-classification', 'convert_to_dict.py', { input_str: 'not json' });
    expect(bad.out).toEqual({ category: 'None', evidence: 'None' });
    expect(bad.ctx.logs[0].message).toMatch(/^The input is not valid, error: Expecting value/);
    const { out: examples } = await devTool('web-classification', 'prepare_examples.py', {});
    expect(examples).toHaveLength(4);
    expect((examples as { category: string }[]).map((e) => e.category)).toEqual(['App', 'Channel', 'Academic', 'None']);
  });

  test('hello.py (basic) imports openai and dotenv, which are not installed: python_package_missing names openai', async () => {
    const dir = path.join(PROMPTFLOW_DEV, 'basic');
    const source = readFileSync(path.join(dir, 'hello.py'), 'utf8');
    const requirements = readFileSync(path.join(dir, 'requirements.txt'), 'utf8').split('\n');
    const config = { code_file: 'hello.py', function: 'my_python_tool', signature: await readToolSignature(source), requirements };
    const err = await failureOf(runPython(config, { prompt: 'hi', deployment_name: 'gpt' }, pyContext({ flowDir: dir })));
    expect(err.code).toBe('python_package_missing');
    expect(err.message).toContain('openai (imported by hello.py, not in its requirements)');
    expect(err.message).toContain('dotenv (requirements line "python-dotenv")');
    // promptflow lines are served by the stand-in package, so they are never reported missing.
    expect(err.message).not.toContain('promptflow');
  });
});

describe('the python node', () => {
  test('a generator streams its chunks in order, each before the tool has finished', async () => {
    const gate = path.join(os.tmpdir(), `weir-py-gate-${process.pid}-${Date.now()}`);
    const code = [
      'import os, time',
      'def words(gate: str, n: int = 3):',
      '    yield "first"',
      '    for _ in range(3000):',
      '        if os.path.exists(gate):',
      '            break',
      '        time.sleep(0.01)',
      '    for i in range(n):',
      '        yield f" {i}"',
      '',
    ].join('\n');
    const config = pythonNode.config.parse(await inlineTool(code, 'words'));
    expect(config.signature?.generator).toBe(true);
    const prepared = pythonNode.prepare!(config, {});
    const out = (await pythonNode.run(pyContext(), { gate, n: 3 }, config, prepared)) as AsyncIterable<unknown>;
    const chunks: unknown[] = [];
    try {
      for await (const c of out) {
        chunks.push(c);
        // The tool waits for this file: the first chunk came while it was still running.
        if (chunks.length === 1) writeFileSync(gate, '');
      }
    } finally {
      rmSync(gate, { force: true });
    }
    expect(chunks).toEqual(['first', ' 0', ' 1', ' 2']);
  });

  test('a consumer that stops reading a stream early ends the worker serving it', async () => {
    const code = 'import os, itertools\ndef forever(start: int = 0):\n    for i in itertools.count(start):\n        yield os.getpid() if i == start else i\n';
    const config = pythonNode.config.parse(await inlineTool(code, 'forever'));
    const out = (await pythonNode.run(pyContext(), {}, config, pythonNode.prepare!(config, {}))) as AsyncIterable<number>;
    const seen: number[] = [];
    for await (const c of out) {
      seen.push(c);
      if (seen.length === 3) break;
    }
    expect(seen.slice(1)).toEqual([1, 2]);
    expect(await processGone(seen[0])).toBe(true);
  });

  test('connection parameters arrive as prompt flow connection objects with their attributes', async () => {
    const code = [
      'from promptflow.connections import CustomConnection, AzureOpenAIConnection',
      'from promptflow.core import tool',
      '@tool(name="describe")',
      'def describe(custom: CustomConnection, aoai: AzureOpenAIConnection, question: str):',
      '    return {"custom_class": type(custom).__name__, "endpoint": custom.endpoint, "key_item": custom["api_key"], "key_attr": custom.api_key,',
      '            "aoai_class": type(aoai).__name__, "api_base": aoai.api_base, "api_key": aoai.api_key, "api_version": aoai.api_version, "api_type": aoai.api_type,',
      '            "question": question}',
    ].join('\n');
    const ctx = pyContext({
      connections: {
        search: { type: 'custom', settings: { endpoint: 'https://search.example' }, secrets: { api_key: 'custom-secret' } },
        azure: { type: 'azure_openai', settings: { base_url: 'https://aoai.example', api_version: '2024-06-01' }, secrets: { api_key: 'aoai-secret' } },
      },
    });
    const out = await runPython(await inlineTool(code, 'describe'), { custom: 'search', aoai: 'azure', question: 'q?' }, ctx);
    expect(out).toEqual({
      custom_class: 'CustomConnection',
      endpoint: 'https://search.example',
      key_item: 'custom-secret',
      key_attr: 'custom-secret',
      aoai_class: 'AzureOpenAIConnection',
      api_base: 'https://aoai.example',
      api_key: 'aoai-secret',
      api_version: '2024-06-01',
      api_type: 'azure',
      question: 'q?',
    });
  });

  test('an input from a skipped node (undefined) leaves the default in place, or is None without one', async () => {
    const code = 'def f(a, b="dflt", c: int = 3):\n    return [a, b, c]\n';
    expect(await runPython(await inlineTool(code, 'f'), { a: undefined, b: undefined, c: 4 })).toEqual([null, 'dflt', 4]);
  });

  test('a syntax error names the file and line', async () => {
    const flow = tempFlowDir({ 'broken.py': 'import json\n\ndef f(:\n    return 1\n' });
    try {
      const err = await failureOf(runPython({ code_file: 'broken.py', function: 'f' }, {}, pyContext({ flowDir: flow.dir })));
      expect(err.code).toBe('python_error');
      expect(err.message).toMatch(/SyntaxError: .*\(broken\.py, line 3\)/);
    } finally {
      flow.remove();
    }
  });

  test('a function the module lacks, and a raising tool, give clear errors with the line', async () => {
    const code = 'def helper():\n    return 1\n\ndef f(x):\n    y = x * 2\n    raise ValueError(f"bad value {y}")\n';
    const missing = await failureOf(runPython({ code, function: 'nope' }, {}));
    expect(missing.code).toBe('python_signature');
    expect(missing.message).toContain('code has no function "nope"');
    const ctx = pyContext();
    const raised = await failureOf(runPython({ code, function: 'f' }, { x: 21 }, ctx));
    expect(raised).toBeInstanceOf(WeirError);
    expect(raised.code).toBe('python_error');
    expect(raised.node).toBe('node_under_test');
    expect(raised.message).toBe('node "node_under_test": the Python tool raised ValueError: bad value 42 (code, line 6)');
    expect(ctx.logs.at(-1)?.message).toMatch(/ValueError: bad value 42\n.*line 6, in f/s);
  });

  test('50 calls are served by one worker process', async () => {
    const code = 'import os\ndef pid(i: int):\n    return [os.getpid(), i]\n';
    const config = await inlineTool(code, 'pid');
    const before = pythonPoolStats().started;
    const pids = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const [pid, echoed] = (await runPython(config, { i })) as [number, number];
      expect(echoed).toBe(i);
      pids.add(pid);
    }
    expect(pids.size).toBe(1);
    expect(pythonPoolStats().started - before).toBe(1);
  });

  test('a tool writing to stdout, stderr and fd 1 directly does not break the protocol', async () => {
    const code = [
      'import os, sys',
      'def noisy():',
      '    print(\'{"type": "result", "id": 1, "value": "forged"}\')',
      '    sys.stdout.write("no newline yet")',
      '    print(" ... done", file=sys.stderr)',
      '    os.write(1, b\'{"type": "result", "id": 1, "value": "forged by fd"}\\n\')',
      '    sys.__stdout__.write("through __stdout__\\n"); sys.__stdout__.flush()',
      '    print("tail without newline", end="")',
      '    return "real"',
    ].join('\n');
    const ctx = pyContext();
    expect(await runPython(await inlineTool(code, 'noisy'), {}, ctx)).toBe('real');
    const messages = ctx.logs.map((l) => l.message);
    expect(messages).toContain('{"type": "result", "id": 1, "value": "forged"}');
    // Bytes written to fd 1 itself (C code, sys.__stdout__) are log lines too, never protocol messages.
    expect(messages).toContain('{"type": "result", "id": 1, "value": "forged by fd"}');
    expect(messages).toContain('through __stdout__');
    expect(messages).toContain(' ... done');
    // A line is a line: text written without a newline waits for the rest of its line (or the call's end).
    expect(messages).toContain('no newline yettail without newline');
  });

  test('the stand-in promptflow package: tool with and without arguments, trace, types, ToolProvider', async () => {
    const code = [
      'from promptflow import tool as old_tool, log_metric',
      'from promptflow.core import tool, ToolProvider',
      'from promptflow.tracing import trace',
      'from promptflow.contracts.types import PromptTemplate, Secret',
      'from promptflow.entities import OpenAIConnection',
      '@trace',
      'def helper(x):',
      '    return x + 1',
      '@old_tool',
      'def plain(a: int):',
      '    return a',
      '@tool(name="named", description="d")',
      'def main(a: int) -> dict:',
      '    log_metric("score", 1)',
      '    c = OpenAIConnection(api_key="k", base_url="https://b")',
      '    return {"v": helper(plain(a)), "pt": isinstance(PromptTemplate("x"), str), "secret": Secret("s") == "s",',
      '            "provider": issubclass(ToolProvider, object), "conn": [c.api_key, c.base_url, c.organization]}',
    ].join('\n');
    const ctx = pyContext();
    expect(await runPython(await inlineTool(code, 'main'), { a: 1 }, ctx)).toEqual({ v: 2, pt: true, secret: true, provider: true, conn: ['k', 'https://b', null] });
    expect(ctx.metrics).toEqual([['score', 1]]);
  });

  test('check: exactly one of code and code_file, code_file inside the flow folder and present', () => {
    expect(pythonNode.config.safeParse({ function: 'f' }).success).toBe(false);
    expect(pythonNode.config.safeParse({ function: 'f', code: 'x', code_file: 'a.py' }).success).toBe(false);
    const flow = tempFlowDir({ 'tool.py': 'def f():\n    return 1\n' });
    try {
      const check = (c: Record<string, unknown>) => pythonNode.check!(pythonNode.config.parse(c), { flowDir: flow.dir }).map((p) => p.code);
      expect(check({ function: 'f', code_file: 'tool.py' })).toEqual([]);
      expect(check({ function: 'f', code_file: '../outside.py' })).toEqual(['python_code_outside_flow']);
      expect(check({ function: 'f', code_file: 'missing.py' })).toEqual(['python_code_not_found']);
      expect(pythonNode.check!(pythonNode.config.parse({ function: 'f', code_file: 'tool.py' }), {}).map((p) => p.code)).toEqual(['python_code_not_found']);
    } finally {
      flow.remove();
    }
  });

  test('ports come from the signature; without one any inputs are accepted', async () => {
    const code = 'from typing import List, Optional\nfrom promptflow.connections import CustomConnection\ndef f(q: str, k: int = 3, w: float = 0.5, flag: bool = False, xs: List[str] = [], d: dict = {}, conn: CustomConnection = None, anything=None, **kw) -> str:\n    return q\n';
    const config = pythonNode.config.parse(await inlineTool(code, 'f'));
    const ports = pythonNode.ports!(config);
    expect(ports.inputs).toMatchObject({
      q: { type: 'string' },
      k: { type: 'integer' },
      w: { type: 'number' },
      flag: { type: 'boolean' },
      xs: { type: 'array' },
      d: { type: 'object' },
      conn: { type: 'string' },
      anything: {},
    });
    expect(ports.required).toEqual(['q']);
    expect(ports.extra).toBe(true);
    expect(ports.output).toEqual({ type: 'string' });
    expect(pythonNode.ports!(pythonNode.config.parse({ code, function: 'f' }))).toEqual({ inputs: {}, required: [], extra: true });
  });
});
