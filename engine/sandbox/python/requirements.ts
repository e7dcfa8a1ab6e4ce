import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WeirError } from '../../errors.ts';
import { pythonExecutable, pythonRuntimeDir, workerIdentity } from './python-runtime.ts';

/**
 * A tool's requirements.txt: what is already importable is used as it is; what is missing is
 * installed into a virtual environment per requirements hash when a package index is reachable;
 * otherwise the first call fails naming exactly the missing modules and the lines they come from.
 * Venvs live in WEIR_PYTHON_CACHE or <tmp>/weir-python-venvs, not in the data folder: workers may
 * not read the data folder at all.
 */

/** Distribution names whose import name differs. */
const MODULE_OF: Record<string, string> = {
  'python-dotenv': 'dotenv',
  beautifulsoup4: 'bs4',
  bs4: 'bs4',
  pyyaml: 'yaml',
  'scikit-learn': 'sklearn',
  pillow: 'PIL',
  'opencv-python': 'cv2',
  'opencv-python-headless': 'cv2',
  'python-dateutil': 'dateutil',
  'azure-search-documents': 'azure',
  'azure-identity': 'azure',
  'azure-core': 'azure',
  'google-search-results': 'serpapi',
  'faiss-cpu': 'faiss',
  'protobuf': 'google',
  'typing-extensions': 'typing_extensions',
  'tiktoken': 'tiktoken',
  'jinja2': 'jinja2',
  'pymupdf': 'fitz',
};

export interface Requirement {
  line: string;
  dist: string;
  module: string;
}

/** The requirements lines that name a package (options, comments, promptflow itself left out). */
export function parseRequirements(lines: string[]): Requirement[] {
  const out: Requirement[] = [];
  for (const raw of lines) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-')) continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
    if (!m) continue;
    const dist = m[1].toLowerCase().replace(/_/g, '-');
    // The stand-in package provides promptflow (and promptflow-tools' imports under it).
    if (dist === 'promptflow' || dist.startsWith('promptflow-')) continue;
    out.push({ line, dist, module: MODULE_OF[dist] ?? dist.replace(/[-.]/g, '_') });
  }
  return out;
}

function run(file: string, args: string[], opts: { input?: string; timeoutMs: number; env?: Record<string, string>; asWorker?: boolean }): Promise<string> {
  const drop = opts.asWorker ? workerIdentity() : null;
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { timeout: opts.timeoutMs, maxBuffer: 8 * 1024 * 1024, env: opts.env ?? { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' }, ...(drop ? { uid: drop.uid, gid: drop.gid } : {}) },
      (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve(stdout)),
    );
    child.stdin?.end(opts.input ?? '');
  });
}

/** Which modules (the tool's top-level imports, the requirements' modules) cannot be imported with `paths`. */
async function probe(source: string, local: string[], modules: string[], paths: string[]): Promise<{ imports: string[]; missing: string[] }> {
  const script = readFileSync(path.join(pythonRuntimeDir(), 'weir_probe.py'), 'utf8');
  const out = await run(pythonExecutable(), ['-I', '-S', '-c', script], { input: JSON.stringify({ source, local, modules, paths }), timeoutMs: 30_000 });
  return JSON.parse(out) as { imports: string[]; missing: string[] };
}

const cacheRoot = (): string => process.env.WEIR_PYTHON_CACHE ?? path.join(os.tmpdir(), 'weir-python-venvs');

function sitePackagesOf(venv: string): string | undefined {
  const lib = path.join(venv, 'lib');
  if (!existsSync(lib)) return undefined;
  const py = readdirSync(lib).find((d) => d.startsWith('python'));
  return py ? path.join(lib, py, 'site-packages') : undefined;
}

let indexCheck: { at: number; reachable: boolean } | undefined;

/** Whether a package index answers (PIP_INDEX_URL or pypi.org), within a few seconds; kept a minute. */
async function indexReachable(): Promise<boolean> {
  if (indexCheck && Date.now() - indexCheck.at < 60_000) return indexCheck.reachable;
  const url = process.env.PIP_INDEX_URL || 'https://pypi.org/simple/';
  let reachable = false;
  try {
    const res = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(3000) });
    reachable = res.status < 500;
  } catch {
    reachable = false;
  }
  indexCheck = { at: Date.now(), reachable };
  return reachable;
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(p, uid, gid);
    else if (!lstatSync(p).isSymbolicLink()) chownSync(p, uid, gid);
  }
}

const installing = new Map<string, Promise<string>>();

/** Makes the venv for `reqs` (python3 -m venv + pip install), as the worker uid, then hands it back to Weir read-only. */
function installVenv(reqs: Requirement[], hash: string, pipArgs: string[]): Promise<string> {
  let p = installing.get(hash);
  if (p) return p;
  p = (async () => {
    const root = cacheRoot();
    mkdirSync(root, { recursive: true, mode: 0o755 });
    const final = path.join(root, hash);
    const partial = `${final}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { mode: 0o755 });
    const drop = workerIdentity();
    if (drop) chownSync(partial, drop.uid, drop.gid);
    const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', HOME: partial };
    // pip's own settings (index, certificates, wheel folders) and proxies; nothing of Weir's.
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && (k.startsWith('PIP_') || /^(https?|no)_proxy$/i.test(k))) env[k] = v;
    }
    try {
      await run(pythonExecutable(), ['-m', 'venv', path.join(partial, 'venv')], { timeoutMs: 120_000, env, asWorker: true });
      writeFileSync(path.join(partial, 'requirements.txt'), reqs.map((r) => r.line).join('\n') + '\n');
      await run(path.join(partial, 'venv', 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', ...pipArgs, '-r', path.join(partial, 'requirements.txt')], { timeoutMs: 15 * 60_000, env, asWorker: true });
      if (drop) chownTree(partial, 0, 0);
      // Another Weir process may have made the same venv meanwhile: theirs is as good as ours.
      if (existsSync(final)) rmSync(partial, { recursive: true, force: true });
      else renameSync(partial, final);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      const detail = String((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n').filter((l) => l.trim()).slice(-2).join(' ');
      throw new WeirError('python_package_missing', `installing the requirements (${reqs.map((r) => r.line).join(', ')}) failed: ${detail}`, { cause: err, status: 503 });
    }
    return final;
  })().finally(() => installing.delete(hash));
  installing.set(hash, p);
  return p;
}

/** How pip can get packages: the index, else local wheel folders (PIP_FIND_LINKS) with --no-index. */
async function packageSource(): Promise<{ args: string[] } | { why: string }> {
  if (await indexReachable()) return { args: [] };
  const links = (process.env.PIP_FIND_LINKS ?? '').split(/\s+/).filter((d) => d && !d.includes('://') && existsSync(d));
  if (links.length) return { args: ['--no-index', ...links.flatMap((d) => ['--find-links', d])] };
  return { why: `no package index is reachable (${process.env.PIP_INDEX_URL ? `PIP_INDEX_URL=${process.env.PIP_INDEX_URL}` : 'pypi.org; set PIP_INDEX_URL to a mirror, or PIP_FIND_LINKS to a folder of wheels'})` };
}

/** A failed install is not tried again for a minute (each try makes a venv). */
const failedInstalls = new Map<string, { at: number; why: string }>();

/**
 * The site-packages folders the tool's worker needs (none when everything is importable already);
 * throws `python_package_missing` naming what is missing when it cannot be installed.
 */
export async function resolveRequirements(lines: string[], files: Map<string, string>, module: string, label = `${module}.py`): Promise<string[]> {
  const reqs = parseRequirements(lines);
  const source = files.get(`${module}.py`) ?? '';
  const local = [...files.keys()].map((f) => f.split('/')[0].replace(/\.py$/, ''));
  const wanted = reqs.map((r) => r.module);
  const first = await probe(source, local, wanted, []);
  if (first.missing.length === 0) return [];
  const hash = createHash('sha256').update(reqs.map((r) => r.line).sort().join('\n')).digest('hex').slice(0, 24);
  let site = sitePackagesOf(path.join(cacheRoot(), hash, 'venv'));
  let why = '';
  const installable = reqs.some((r) => first.missing.includes(r.module));
  if (!site && installable) {
    const failed = failedInstalls.get(hash);
    if (failed && Date.now() - failed.at < 60_000) why = failed.why;
    else {
      const from = await packageSource();
      if ('why' in from) why = from.why;
      else {
        try {
          site = sitePackagesOf(path.join(await installVenv(reqs, hash, from.args), 'venv'));
        } catch (err) {
          why = (err as Error).message;
          failedInstalls.set(hash, { at: Date.now(), why });
        }
      }
    }
  }
  // Without a venv, a requirement this tool does not import (prompt flow has one requirements.txt for
  // every tool of a flow) does not stop it: only what its own file imports must be there.
  const missing = site ? (await probe(source, local, wanted, [site])).missing : first.missing.filter((m) => first.imports.includes(m));
  if (missing.length === 0) return site ? [site] : [];
  const named = missing.map((m) => {
    const r = reqs.find((x) => x.module === m);
    return r ? `${m} (requirements line "${r.line}")` : `${m} (imported by ${label}, not in its requirements)`;
  });
  why ||= site ? 'they are not in the installed requirements' : 'no requirement provides them';
  throw new WeirError(
    'python_package_missing',
    `the Python tool needs modules that are not installed: ${named.join(', ')}; ${why}. Install them into the python3 Weir uses (${pythonExecutable()}), or list them in requirements where a package index is reachable`,
    { status: 503 },
  );
}
