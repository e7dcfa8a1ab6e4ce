import { WeirError } from '../errors.ts';
import type { SandboxOutcome, TemplatePayload } from './sandbox-task.ts';
import { compileTemplate, TemplateBudgetError, type CompiledTemplate } from './template/index.ts';

/** Compiled templates kept by a sandbox thread, by source and included files. */
const cache = new Map<string, CompiledTemplate>();
const CACHE_SIZE = 200;

function compiled(p: TemplatePayload): CompiledTemplate {
  const key = JSON.stringify([p.source, p.files]);
  let tpl = cache.get(key);
  if (!tpl) {
    // Includes were read (inside the flow folder) when the node compiled it; here they come as text.
    tpl = compileTemplate(p.source, { load: (name) => (Object.hasOwn(p.files, name) ? p.files[name] : undefined) });
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, tpl);
  }
  return tpl;
}

/**
 * A render on a sandbox thread with the template's full step budget, stopping itself at the task's
 * deadline (Date.now() ms, turned into this thread's performance.now()), which keeps the thread.
 */
export function renderTask(p: TemplatePayload, deadline: number): SandboxOutcome {
  try {
    const value = compiled(p).render(p.vars, { deadline: performance.now() + (deadline - Date.now()) });
    return { ok: true, value };
  } catch (err) {
    if (err instanceof TemplateBudgetError && err.limit === 'deadline') return { ok: false, failure: { code: 'sandbox_timeout', message: err.message } };
    if (err instanceof TemplateBudgetError) return { ok: false, failure: { code: err.code, message: err.message, fields: { limit: err.limit } } };
    if (err instanceof WeirError) return { ok: false, failure: { code: err.code, message: err.message } };
    return { ok: false, failure: { code: 'template_render', message: err instanceof Error ? err.message : String(err) } };
  }
}
