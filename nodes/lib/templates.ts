import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { WeirError } from '../../engine/errors.ts';
import type { NodeContext } from '../../engine/node-definition.ts';
import { SliceExhausted } from '../../engine/sandbox/sandbox-task.ts';
import { continueOnWorker } from '../../engine/sandbox/sliced.ts';
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
 * A render first runs on the event loop under a slice: 50 000 steps (~3–9 ms of the sandbox's
 * measured 0.3–0.9 s per 5 000 000) or 10 ms, whichever comes first, which every ordinary prompt
 * fits many times over. A render that needs more goes on, from the start, on a sandbox thread with
 * the full step budget, and that thread is ended when the node's timeout or a cancel aborts its
 * signal: the loop that serves every deployment is never held longer than the slice.
 */
const SLICE_STEPS = 50_000;
const SLICE_MS = 10;
/** A render with no node timeout still ends: its step budget stops it well before this. */
const RENDER_BUDGET_MS = 30_000;

function named(err: unknown, what: string): unknown {
  if (!(err instanceof WeirError) || !err.code.startsWith('template_')) return err;
  const message = `could not render ${what}: ${templateErrorMessage(err)}`;
  const limit = (err as { limit?: TemplateBudgetError['limit'] }).limit;
  if (err.code === 'template_budget' && limit) return new TemplateBudgetError(limit, message);
  return new WeirError(err.code, message, { cause: err });
}

/**
 * Renders and names what was being rendered in any failure, keeping the error's code (and a budget
 * error's `limit`). The one place templates are rendered: synchronous when the slice suffices (the
 * common case costs nothing more), a promise when the render moved to a sandbox thread. Without a
 * node context (no signal to stop a thread with) it renders in-process under the full budget.
 */
export function render(tpl: CompiledTemplate, vars: Record<string, unknown>, what: string, ctx?: NodeContext): string | Promise<string> {
  if (!ctx) {
    try {
      return tpl.render(vars);
    } catch (err) {
      throw named(asTemplateError(err), what);
    }
  }
  const started = Date.now();
  try {
    return tpl.render(vars, { maxSteps: SLICE_STEPS, deadline: performance.now() + SLICE_MS });
  } catch (err) {
    if (!(err instanceof TemplateBudgetError && (err.limit === 'steps' || err.limit === 'deadline'))) throw named(asTemplateError(err), what);
    const job = {
      node: ctx.node,
      budgetMs: RENDER_BUDGET_MS,
      task: { kind: 'template' as const, payload: { source: tpl.source, files: tpl.files, vars } },
      signal: ctx.signal,
      fromWorker: (v: unknown) => v as string,
    };
    return continueOnWorker(new SliceExhausted(err.limit), started, job).catch((e: unknown) => {
      throw named(e, what);
    });
  }
}

function asTemplateError(err: unknown): unknown {
  return err instanceof WeirError ? err : new WeirError('template_render', templateErrorMessage(err), { cause: err });
}
