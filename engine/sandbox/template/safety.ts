import { unsafe } from './template-errors.ts';

/**
 * Which names a template may look up, after Jinja2's SandboxedEnvironment ("attributes starting
 * with an underscore are unsafe") plus the names an escape from a JavaScript template engine goes
 * through. Values here are Maps of their own data, so these lookups could reach nothing anyway; the
 * refusal makes an attempt fail loudly, naming the attribute, instead of printing nothing.
 *
 * - `x.name`, `attr(name)`, `map(attribute=…)` and the like are attribute lookups: any name
 *   starting with `_` is refused, and `constructor` / `prototype`.
 * - `x["name"]` is an item lookup: a data key such as `_id` may be read (as in Jinja2, where dict
 *   items are not attributes), but dunder names (`__proto__`, `__class__` …) and `constructor` /
 *   `prototype` are refused there too.
 */
const JS_ESCAPE_NAMES = new Set(['constructor', 'prototype']);

export function isUnsafeName(name: string, form: 'attribute' | 'item'): boolean {
  if (JS_ESCAPE_NAMES.has(name)) return true;
  return form === 'attribute' ? name.startsWith('_') : name.startsWith('__');
}

export function checkName(name: string, form: 'attribute' | 'item'): void {
  if (isUnsafeName(name, form)) {
    const rule = form === 'attribute' ? 'attributes starting with "_"' : 'items named with "__"';
    throw unsafe(`access to ${form} "${name}" is refused: ${rule}, "constructor" and "prototype" are unsafe in a template`);
  }
}
