import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../store/open.ts';
import { failureOf } from '../../../test/helpers/nodes/test-context.ts';
import { inlineTool, pyContext, runPython } from '../../../test/helpers/python-tools.ts';
import { denyToPython } from './isolation.ts';
import { closePythonPools } from './pool.ts';

/**
 * A real workspace data folder (weir.db + master.key, made by the store as `weir serve` makes them),
 * denied to Python as the server denies its own; then tools that try to get at it.
 */
let dataDir: string;
let keyFile: string;
let key: Buffer;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'weir-py-workspace-'));
  const store = await openStore({ dataDir });
  await store.close();
  keyFile = path.join(dataDir, 'master.key');
  key = readFileSync(keyFile);
  denyToPython(dataDir);
  process.env.WEIR_TEST_SECRET = 'the-host-secret-value';
});

afterAll(async () => {
  await closePythonPools();
  delete process.env.WEIR_TEST_SECRET;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `body` (the lines of a tool function taking `target`) and returns the error it ends in. */
async function refused(body: string[], target: string) {
  const code = ['import os, sys', 'def f(target: str):', ...body.map((l) => `    ${l}`), ''].join('\n');
  const ctx = pyContext();
  const err = await failureOf(runPython(await inlineTool(code, 'f'), { target }, ctx));
  return { err, ctx };
}

describe('what a Python tool cannot reach', () => {
  test('reading the master key file of a real workspace fails with a clear error, and no bytes come back', async () => {
    expect(key.length).toBeGreaterThan(0);
    const { err, ctx } = await refused(['data = open(target, "rb").read()', 'return list(data)'], keyFile);
    expect(err.code).toBe('python_error');
    expect(err.message).toMatch(/PermissionError: a Python tool may not read .*master\.key/);
    expect(JSON.stringify(ctx.logs)).not.toContain(key.toString('base64').slice(0, 12));
  });

  test('nor through os.open, a symlink, a relative path, the database with sqlite3, or a hard link', async () => {
    const db = path.join(dataDir, 'weir.db');
    const attempts: [string[], string][] = [
      [['fd = os.open(target, os.O_RDONLY)', 'return list(os.read(fd, 64))'], keyFile],
      [['link = os.path.join(os.environ["HOME"], "k")', 'os.symlink(target, link)', 'return list(open(link, "rb").read())'], keyFile],
      [['os.chdir(os.path.dirname(target))', 'return list(open("master.key", "rb").read())'], keyFile],
      [['import sqlite3', 'return sqlite3.connect(target).execute("select name from sqlite_master").fetchall()'], db],
      [['link = os.path.join(os.environ["HOME"], "h")', 'os.link(target, link)', 'return list(open(link, "rb").read())'], keyFile],
    ];
    for (const [body, target] of attempts) {
      const { err } = await refused(body, target);
      expect(err.code, body.join('; ')).toBe('python_error');
      expect(err.message, body.join('; ')).toMatch(/PermissionError: a Python tool may not read|os.open in a Python tool needs an absolute path/);
    }
  });

  test('starting another program (subprocess, os.system, fork, exec) is refused', async () => {
    const attempts = [
      ['import subprocess', 'return subprocess.run(["cat", target], capture_output=True).stdout.decode()'],
      ['return os.system("cat " + target)'],
      ['return os.fork()'],
      ['os.execv("/bin/cat", ["cat", target])'],
      ['return os.posix_spawn("/bin/cat", ["cat", target], {})'],
      ['import _posixsubprocess', 'return _posixsubprocess.fork_exec(["cat"], [b"/bin/cat"], True, (), None, None, -1, -1, -1, -1, -1, -1, -1, -1, False, False, None, None, None, -1, None, False)'],
    ];
    for (const body of attempts) {
      const { err } = await refused(body, keyFile);
      expect(err.code, body.join('; ')).toBe('python_error');
      expect(err.message, body.join('; ')).toMatch(/PermissionError: a Python tool may not start other programs/);
    }
  });

  test('loading native code through ctypes is refused', async () => {
    const { err } = await refused(['import ctypes', 'return ctypes.CDLL(None).getpid()'], keyFile);
    expect(err.message).toContain('ImportError: a Python tool may not import _ctypes');
  });

  test("the Weir process's environment is not visible, not even through /proc", async () => {
    const code = 'import os\ndef f():\n    return dict(os.environ)\n';
    const env = (await runPython(await inlineTool(code, 'f'), {})) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual(['HOME', 'LANG', 'LC_ALL', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONIOENCODING', 'PYTHONPATH', 'TMPDIR']);
    expect(JSON.stringify(env)).not.toContain('the-host-secret-value');
    const { err } = await refused(['return open(f"/proc/{os.getppid()}/environ").read()'], '');
    expect(err.message).toMatch(/may not read \/proc\/\d+\/environ/);
  });

  test('signalling the Weir process is refused', async () => {
    const { err } = await refused(['import signal', 'os.kill(os.getppid(), signal.SIGTERM)'], '');
    expect(err.message).toContain('may not signal other processes');
  });

  test.runIf(process.getuid?.() === 0)('running as root, the worker runs as nobody: the OS itself refuses 0600 files', async () => {
    const code = 'import os\ndef f():\n    return [os.getuid(), os.getgid()]\n';
    const [uid] = (await runPython(await inlineTool(code, 'f'), {})) as number[];
    expect(uid).not.toBe(0);
  });
});
