import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WeirError } from '../../errors.ts';
import { pythonExecutable, pythonRuntimeDir } from './python-runtime.ts';
import type { PythonSignature } from './signature-types.ts';

const MAX_SOURCE = 1024 * 1024;

interface Answer {
  signature?: PythonSignature & { line?: number };
  error?: string;
  line?: number;
}

/**
 * Reads a tool function's signature from its source with python3's `ast` (one short `python3 -I -S -c`
 * process; the file is never imported or run): the `@tool` function, else the only public function,
 * else the one named by `opts.function`.
 */
export async function readToolSignature(source: string, opts: { function?: string; file?: string } = {}): Promise<PythonSignature> {
  const file = opts.file ?? 'the Python code';
  if (Buffer.byteLength(source) > MAX_SOURCE) throw new WeirError('python_signature', `${file} is larger than ${MAX_SOURCE} bytes`);
  const script = readFileSync(path.join(pythonRuntimeDir(), 'weir_signature.py'), 'utf8');
  const exe = pythonExecutable();
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile(exe, ['-I', '-S', '-c', script], { timeout: 30_000, maxBuffer: 4 * 1024 * 1024, env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } }, (err, stdout, stderr) =>
      err ? reject(new WeirError('python_signature', `reading the signature of ${file} failed: ${String(stderr || err.message).trim().split('\n').slice(-1)[0]}`, { cause: err })) : resolve(stdout),
    );
    child.stdin?.end(JSON.stringify({ source, function: opts.function }));
  });
  const answer = JSON.parse(out) as Answer;
  if (!answer.signature) {
    const at = answer.line ? `${file}, line ${answer.line}` : file;
    throw new WeirError('python_signature', `${at}: ${answer.error ?? 'no tool function found'}`);
  }
  const { line: _line, ...signature } = answer.signature;
  return signature;
}
