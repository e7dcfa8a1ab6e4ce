import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { WeirError } from '../../engine/errors.ts';

/**
 * Shared Jinja-compatible template handling (nunjucks) for the nodes that render templates.
 * Settings follow prompt flow's own jinja tool (trim_blocks on, trailing newline kept, no
 * autoescape) so templates copied from prompt flow render the same text.
 */

/**
 * Resolves `rel` against `baseDir` and returns the absolute path only if it stays inside the folder,
 * following symlinks when the file exists so a link can't point outside either.
 */
export function resolveInside(baseDir: string, rel: string): string | undefined {
  const base = path.resolve(baseDir);
  const full = path.resolve(base, rel);
  if (!isWithin(base, full)) return undefined;
  if (!existsSync(full)) return full;
  const realBase = existsSync(base) ? realpathSync(base) : base;
  return isWithin(realBase, realpathSync(full)) ? full : undefined;
}

function isWithin(base: string, full: string): boolean {
  const rel = path.relative(base, full);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * nunjucks' own FileSystemLoader only checks a string prefix (`/flows/a` would admit `/flows/ab/x`),
 * so `{% include %}` could read beside the flow folder; this loader uses real containment.
 */
function folderLoader(baseDir: string): nunjucks.ILoader {
  return {
    getSource(name: string) {
      const full = resolveInside(baseDir, name);
      if (full === undefined || !existsSync(full)) return null as unknown as nunjucks.LoaderSource;
      return { src: readFileSync(full, 'utf8'), path: full, noCache: false };
    },
  };
}

/** A template environment; with `baseDir`, templates may load and include files inside it only. */
export function createTemplateEnv(baseDir?: string): nunjucks.Environment {
  const env = new nunjucks.Environment(baseDir === undefined ? [] : [folderLoader(baseDir)], {
    autoescape: false,
    trimBlocks: true,
  });
  // Jinja has `tojson`; nunjucks calls it `dump`. Both work so JSON bodies can embed values safely.
  env.addFilter('tojson', (value: unknown, indent?: number) => JSON.stringify(value ?? null, null, indent));
  return env;
}

/** Compiles inline template text now, so syntax errors surface at validation, not mid-run. */
export function compileInline(env: nunjucks.Environment, src: string): nunjucks.Template {
  return new nunjucks.Template(src, env, undefined, true);
}

/**
 * nunjucks messages span several indented lines and repeat the template's absolute path; flatten
 * them to one line for CLI/API errors and drop server paths, which API callers have no use for.
 */
export function templateErrorMessage(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  return raw
    .replace(/\((?:unknown path|[A-Za-z]:[\\/][^)]*|\/[^)]*)\)\s*/g, '')
    .replace(/Template render error:\s*/g, '')
    .replace(/\bError: /g, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

/** Renders and turns any failure into a WeirError naming what was being rendered. */
export function render(tpl: nunjucks.Template, vars: Record<string, unknown>, what: string): string {
  try {
    return tpl.render(vars);
  } catch (err) {
    throw new WeirError('template_render', `could not render ${what}: ${templateErrorMessage(err)}`, {
      cause: err,
    });
  }
}
