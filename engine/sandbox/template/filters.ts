import { seqFilters } from './filters-seq.ts';
import { TEXT_FILTERS, type Filter } from './filters-text.ts';
import type { AnyValue } from './runtime-values.ts';
import { renderError } from './template-errors.ts';

/** Every filter a template may use, by name; anything else is refused when the template compiles. */
const table = new Map<string, Filter>(TEXT_FILTERS);

export function applyFilter(name: string, v: AnyValue, args: AnyValue[], kwargs: Map<string, AnyValue>): AnyValue {
  const f = table.get(name);
  if (!f) throw renderError(`no filter named '${name}'`);
  return f(v, args, kwargs);
}

for (const [name, f] of seqFilters(applyFilter)) table.set(name, f);

export const FILTER_NAMES: ReadonlySet<string> = new Set(table.keys());
