import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { failureOf } from '../../../test/helpers/nodes/test-context.ts';
import { inlineTool, runPython } from '../../../test/helpers/python-tools.ts';
import { requireAll } from '../../../test/setup/requirements.ts';
import { closePythonPools } from './pool.ts';
import { pythonExecutable } from './python-runtime.ts';

/**
 * Requirements without a package index: a folder of wheels (PIP_FIND_LINKS) is installed from with
 * --no-index into a venv per requirements hash; what no source has is named. The wheel is built here.
 */
let wheels: string;
let cache: string;
const saved = { links: process.env.PIP_FIND_LINKS, cache: process.env.WEIR_PYTHON_CACHE, index: process.env.PIP_INDEX_URL };

const BUILD_WHEEL = `
import sys, zipfile
out = sys.argv[1]
files = {
    'weir_test_pkg/__init__.py': 'VALUE = 42\\n',
    'weir_test_pkg-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: weir-test-pkg\\nVersion: 1.0\\n',
    'weir_test_pkg-1.0.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: weir-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
}
files['weir_test_pkg-1.0.dist-info/RECORD'] = ''.join('%s,,\\n' % n for n in files) + 'weir_test_pkg-1.0.dist-info/RECORD,,\\n'
with zipfile.ZipFile(out + '/weir_test_pkg-1.0-py3-none-any.whl', 'w') as z:
    for name, text in files.items():
        z.writestr(name, text)
`;

beforeAll(() => {
  wheels = mkdtempSync(path.join(os.tmpdir(), 'weir-wheels-'));
  cache = mkdtempSync(path.join(os.tmpdir(), 'weir-venvs-'));
  // Workers (and pip) run as nobody when the tests run as root: both folders must be readable.
  chmodSync(wheels, 0o755);
  chmodSync(cache, 0o755);
  execFileSync(pythonExecutable(), ['-c', BUILD_WHEEL, wheels]);
  process.env.PIP_FIND_LINKS = wheels;
  process.env.WEIR_PYTHON_CACHE = cache;
  // An index that answers nothing, at once: the wheel folder is the only source.
  process.env.PIP_INDEX_URL = 'http://127.0.0.1:9/simple/';
});

afterAll(async () => {
  await closePythonPools();
  for (const [k, v] of [['PIP_FIND_LINKS', saved.links], ['WEIR_PYTHON_CACHE', saved.cache], ['PIP_INDEX_URL', saved.index]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(wheels, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

// Debian splits venv/ensurepip into python3-venv; CI (WEIR_REQUIRE_ALL_TESTS=1) installs it and never skips.
const hasVenv = spawnSync(pythonExecutable(), ['-c', 'import venv, ensurepip']).status === 0;
if (!hasVenv && !requireAll()) console.warn('Python requirements tests not run: apt-get install python3-venv');

describe.skipIf(!hasVenv && !requireAll())(`requirements${hasVenv ? '' : ' (skipped: apt-get install python3-venv)'}`, () => {
  test('a requirement that is not importable is installed into a venv (from a wheel folder, offline) and the tool imports it', async () => {
    const code = 'import weir_test_pkg\n\ndef f():\n    return [weir_test_pkg.VALUE, weir_test_pkg.__file__]\n';
    const [value, file] = (await runPython(await inlineTool(code, 'f', { requirements: ['weir-test-pkg==1.0', 'promptflow', '# comment'] }), {})) as [number, string];
    expect(value).toBe(42);
    expect(file.startsWith(cache)).toBe(true);
  }, 120_000);

  test('what no source has is named, with the lines it comes from; stdlib imports are never reported', async () => {
    const code = 'import json, sqlite3\nimport weir_not_there\n\ndef f():\n    return 1\n';
    const err = await failureOf(runPython(await inlineTool(code, 'f', { requirements: ['weir-absent-dist'] }), {}));
    expect(err.code).toBe('python_package_missing');
    expect(err.message).toContain('needs modules that are not installed: weir_not_there (imported by code, not in its requirements);');
    expect(err.message).toMatch(/installing the requirements \(weir-absent-dist\) failed: .*weir-absent-dist/);
    expect(err.message).not.toMatch(/\bjson\b|sqlite3/);
  }, 120_000);

  test('a requirement the tool does not import (another tool of the flow needs it) does not stop it when it cannot be installed', async () => {
    const code = 'import json\n\ndef f():\n    return json.dumps([1])\n';
    expect(await runPython(await inlineTool(code, 'f', { requirements: ['weir-absent-dist', 'promptflow'] }), {})).toBe('[1]');
  }, 120_000);
});
