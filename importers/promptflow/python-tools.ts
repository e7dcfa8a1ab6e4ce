import { execFileSync } from 'node:child_process';
import { WeirError } from '../../engine/errors.ts';
import { pythonExecutable } from '../../engine/sandbox/python/python-runtime.ts';
import { readToolSignature } from '../../engine/sandbox/python/signature.ts';
import type { PythonSignature } from '../../engine/sandbox/python/signature-types.ts';

export type SignatureRead = { signature: PythonSignature } | { error: string; unavailable: boolean; line?: number };

/**
 * Python as the importer needs it: tool signatures (read with python3's `ast`, never by running the
 * code) and the names of the standard library, to tell which imports need packages. Without python3
 * both are answered "unknown" and the import goes on.
 */
export class PythonTools {
  #unavailable: string | undefined;
  #stdlib: Set<string> | null | undefined;
  /** Variants and nodes sharing one file read it once. */
  readonly #signatures = new Map<string, Promise<SignatureRead>>();

  signature(source: string, file: string, fn?: string): Promise<SignatureRead> {
    const key = JSON.stringify([file, fn ?? '', source]);
    let read = this.#signatures.get(key);
    if (!read) this.#signatures.set(key, (read = this.#read(source, file, fn)));
    return read;
  }

  async #read(source: string, file: string, fn?: string): Promise<SignatureRead> {
    if (this.#unavailable) return { error: this.#unavailable, unavailable: true };
    try {
      return { signature: await readToolSignature(source, { file, ...(fn ? { function: fn } : {}) }) };
    } catch (err) {
      if (!(err instanceof WeirError)) throw err;
      if (err.code === 'python_unavailable') {
        this.#unavailable = err.message;
        return { error: err.message, unavailable: true };
      }
      const line = /line (\d+)/.exec(err.message);
      return { error: err.message, unavailable: false, ...(line ? { line: Number(line[1]) } : {}) };
    }
  }

  /** Whether python3 was found missing by an earlier call. */
  get unavailable(): string | undefined {
    return this.#unavailable;
  }

  /** Python's standard library module names (3.10+), or undefined when they cannot be known here. */
  stdlib(): Set<string> | undefined {
    if (this.#stdlib !== undefined) return this.#stdlib ?? undefined;
    this.#stdlib = null;
    if (this.#unavailable) return undefined;
    try {
      const out = execFileSync(pythonExecutable(), ['-I', '-S', '-c', 'import sys, json; print(json.dumps(sorted(getattr(sys, "stdlib_module_names", []))))'], {
        encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
      });
      const names = JSON.parse(out) as string[];
      if (names.length) this.#stdlib = new Set(names);
    } catch (err) {
      if (err instanceof WeirError && err.code === 'python_unavailable') this.#unavailable = err.message;
    }
    return this.#stdlib ?? undefined;
  }
}

/** Distribution names whose module is named differently (for messages naming what is missing). */
const MODULE_OF: Record<string, string> = {
  'python-dotenv': 'dotenv', beautifulsoup4: 'bs4', pyyaml: 'yaml', 'scikit-learn': 'sklearn', pillow: 'PIL',
  'opencv-python': 'cv2', 'azure-search-documents': 'azure', 'google-search-results': 'serpapi', 'faiss-cpu': 'faiss',
};

/** `promptflow[azure]>=1.7.0` → `promptflow`; comments, options (-r, --index-url) and blanks → undefined. */
export function requirementName(line: string): string | undefined {
  const t = line.replace(/#.*$/, '').trim();
  if (!t || t.startsWith('-')) return undefined;
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(t);
  return m ? m[1] : undefined;
}

export const moduleOf = (dist: string): string => MODULE_OF[dist.toLowerCase()] ?? dist.toLowerCase().replace(/-/g, '_');

/** The stand-in Weir bundles makes these importable without a package index. */
export const isPromptflowPackage = (dist: string): boolean => /^promptflow([-_.].*)?$/i.test(dist);
