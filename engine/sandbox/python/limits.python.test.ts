import { afterAll, describe, expect, test } from 'vitest';
import { closePythonPools, pythonPoolStats } from './pool.ts';
import { failureOf } from '../../../test/helpers/nodes/test-context.ts';
import { inlineTool, processGone, pyContext, runPython } from '../../../test/helpers/python-tools.ts';

afterAll(() => closePythonPools());


/** A tool that reports its pid (a log line) and then does `body`; the pid of the worker that ran it. */
const hostile = (body: string[]) => ['import os, sys', 'def f(probe: bool = False):', '    if probe:', '        return os.getpid()', '    print("pid", os.getpid())', ...body.map((l) => `    ${l}`), ''].join('\n');

function pidOf(ctx: ReturnType<typeof pyContext>): number {
  const line = ctx.logs.find((l) => l.message.startsWith('pid '));
  return Number(line?.message.slice(4));
}

describe('python worker limits', () => {
  test('a tool that loops forever is stopped at timeout_seconds: node_timeout naming the node; the next call gets a new worker', async () => {
    const config = await inlineTool(hostile(['while True:', '    pass']), 'f', { timeout_seconds: 1 });
    const ctx = pyContext({ node: 'spin' });
    const err = await failureOf(runPython(config, {}, ctx));
    expect(err.code).toBe('node_timeout');
    expect(err.node).toBe('spin');
    expect(err.message).toContain('node "spin"');
    const pid = pidOf(ctx);
    expect(await processGone(pid)).toBe(true);
    const next = await runPython(config, { probe: true });
    expect(typeof next).toBe('number');
    expect(next).not.toBe(pid);
  });

  test('a tool that allocates without end gets python_memory; its worker is replaced', async () => {
    const config = await inlineTool(hostile(['hoard = []', 'while True:', '    hoard.append(bytearray(8 * 1024 * 1024))']), 'f', { memory_mb: 256 });
    const ctx = pyContext();
    const err = await failureOf(runPython(config, {}, ctx));
    expect(err.code).toBe('python_memory');
    expect(err.message).toContain('memory_mb: 256');
    const pid = pidOf(ctx);
    expect(await processGone(pid)).toBe(true);
    const next = await runPython(config, { probe: true });
    expect(next).not.toBe(pid);
  });

  test('a tool that burns CPU past cpu_seconds is killed by the kernel: python_cpu_limit', async () => {
    const config = await inlineTool(hostile(['x = 0', 'while True:', '    x += 1']), 'f', { cpu_seconds: 1, timeout_seconds: 120 });
    const err = await failureOf(runPython(config, {}));
    expect(err.code).toBe('python_cpu_limit');
    expect(await runPython(config, { probe: true })).toEqual(expect.any(Number));
  });

  test('cancelling the run kills the worker serving it, and the call rejects with the reason', async () => {
    const config = await inlineTool(hostile(['import time', 'time.sleep(3600)']), 'f');
    const controller = new AbortController();
    const ctx = pyContext({ signal: controller.signal });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const log = ctx.log.bind(ctx);
    ctx.log = (level, message, data) => {
      log(level, message, data);
      if (message.startsWith('pid ')) started();
    };
    const call = runPython(config, {}, ctx);
    call.catch(() => {});
    await running;
    const reason = new Error('cancelled by the test');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(await processGone(pidOf(ctx))).toBe(true);
  });

  test('a value larger than a message may carry (16 MiB), either way, is a clear error; the worker carries on', async () => {
    const config = await inlineTool('def f(n: int, text: str = ""):\n    return "x" * n if n else len(text)\n', 'f');
    const out = await failureOf(runPython(config, { n: 17 * 1024 * 1024 }));
    expect(out.code).toBe('python_message_too_large');
    expect(out.message).toMatch(/larger than the 16777216 bytes a message may carry/);
    const into = await failureOf(runPython(config, { n: 0, text: 'y'.repeat(17 * 1024 * 1024) }));
    expect(into.code).toBe('python_message_too_large');
    expect(await runPython(config, { n: 0, text: 'abc' })).toBe(3);
  });

  test("past WEIR_PYTHON_MAX_WORKERS, a new flow's first worker ends another flow's idle one", async () => {
    await closePythonPools();
    process.env.WEIR_PYTHON_MAX_WORKERS = '1';
    try {
      const a = await inlineTool('import os\ndef a():\n    return os.getpid()\n', 'a');
      const b = await inlineTool('import os\ndef b():\n    return os.getpid()\n', 'b');
      const pidA = (await runPython(a, {})) as number;
      expect(pythonPoolStats().workers).toBe(1);
      const pidB = (await runPython(b, {})) as number;
      expect(pidB).not.toBe(pidA);
      expect(await processGone(pidA)).toBe(true);
      expect(pythonPoolStats().workers).toBe(1);
    } finally {
      delete process.env.WEIR_PYTHON_MAX_WORKERS;
    }
  });

  test('concurrent calls grow the pool (to its cap); calls then reuse the workers', async () => {
    const config = await inlineTool('import os, time\ndef f(i: int):\n    time.sleep(0.2)\n    return os.getpid()\n', 'f');
    const before = pythonPoolStats().started;
    const pids = (await Promise.all([0, 1, 2].map((i) => runPython(config, { i })))) as number[];
    const started = pythonPoolStats().started - before;
    expect(started).toBe(3);
    const again = (await Promise.all([0, 1].map((i) => runPython(config, { i })))) as number[];
    expect(pythonPoolStats().started - before).toBe(started);
    for (const pid of again) expect(pids).toContain(pid);
  });
});
