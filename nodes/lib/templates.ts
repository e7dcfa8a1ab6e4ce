import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { WeirError } from '../../engine/errors.ts';
import type { NodeContext } from '../../engine/node-definition.ts';
import {
  compileTemplate,
  TemplateBudgetError,
  type CompiledTemplate,
} from '../../engine/sandbox/template/index.ts';

/**
 * Template handling shared by the nodes that render templates (prompt, llm, http), on the sandboxed
 * Jinja engine (engine/sandbox/template): templates are compiled once in `check`/`prepare` and
 * rendered in `run` through `render` below, the one place a render happens.
 */
export type { CompiledTemplate };

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

/** `{% include %}` reads files inside the flow folder only (real containment, symlinks followed). */
export function folderLoader(baseDir: string | undefined): ((name: string) => string | undefined) | undefined {
  if (baseDir === undefined) return undefined;
  return (name) => {
    const full = resolveInside(baseDir, name);
    return full !== undefined && existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  };
}

/** Compiles template text now (includes read from `baseDir`), so syntax errors surface at validation, not mid-run. */
export function compileInline(src: string, baseDir?: string): CompiledTemplate {
  return compileTemplate(src, { load: folderLoader(baseDir) });
}

/** The message of a compile or render error, for a problem or an error naming what was compiled. */
export function templateErrorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The node's deadline on `performance.now()`, when its run context carries one; without it the
 * render is bounded by its step budget alone.
 */
function deadlineOf(ctx: NodeContext | undefined): number | undefined {
  const d = (ctx as { deadline?: unknown } | undefined)?.deadline;
  return typeof d === 'number' ? d : undefined;
}

/**
 * Renders and names what was being rendered in any failure, keeping the error's code (and a budget
 * error's `limit`, so a caller can still tell "ran out of steps" from a broken template). The one
 * place templates are rendered: a runner that moves long renders off the event loop swaps in here.
 */
export function render(tpl: CompiledTemplate, vars: Record<string, unknown>, what: string, ctx?: NodeContext): string {
  try {
    return tpl.render(vars, { deadline: deadlineOf(ctx) });
  } catch (err) {
    const message = `could not render ${what}: ${templateErrorMessage(err)}`;
    if (err instanceof TemplateBudgetError) throw new TemplateBudgetError(err.limit, message);
    throw new WeirError(err instanceof WeirError ? err.code : 'template_render', message, { cause: err });
  }
}
