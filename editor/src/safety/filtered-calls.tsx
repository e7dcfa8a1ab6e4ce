import { useMemo, useState } from 'react';
import { CallsTable } from '../usage/calls-table.tsx';
import { useKeyOptions } from '../usage/keys.ts';
import { presetRange } from '../usage/range.ts';
import { CATEGORIES, type Category, type CallRecord } from '../usage/usage-api.ts';
import { useCalls } from '../usage/use-calls.ts';
import { harmLabel } from './safety-api.ts';

/** How many of the listed calls were filtered for each category (a call flagged for two counts in both). */
function countByCategory(calls: CallRecord[]): Record<Category, number> {
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const call of calls) {
    const cats = new Set(call.filtered.map((f) => f.slice(f.indexOf(':') + 1)));
    for (const c of cats) if (c in counts) counts[c as Category]++;
  }
  return counts;
}

/** Calls a policy filtered, newest first, by category; only categories and roles are recorded, never the text. */
export function FilteredCalls() {
  const [category, setCategory] = useState<Category | ''>('');
  const [tick, setTick] = useState(0);
  // The last 7 days up to now (Refresh moves the end).
  const range = useMemo(() => presetRange('7d'), [tick]);
  const calls = useCalls({ ...range, filtered: true, category: category || undefined, limit: 50 }, [category, range]);
  const keys = useKeyOptions(undefined);
  const counts = countByCategory(calls.data);

  return (
    <section className="card" aria-label="Recent filtered calls">
      <div className="row">
        <h2>Recent filtered calls</h2>
        <span className="spacer" />
        <label className="row">
          <span className="field-label">Category</span>
          <select value={category} onChange={(e) => setCategory(e.target.value as Category | '')}>
            <option value="">All categories</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {harmLabel(c)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="small ghost" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      </div>
      <p className="muted">The last 7 days, newest first. Only the parts and categories filtered are recorded, never the text.</p>
      <ul className="category-counts" aria-label="Filtered calls by category (of those listed)">
        {CATEGORIES.map((c) => (
          <li key={c} data-testid={`count-${c}`} className={counts[c] ? 'some' : ''}>
            {harmLabel(c)} <b>{counts[c]}</b>
          </li>
        ))}
      </ul>
      <CallsTable calls={calls} keys={keys} label="Filtered calls" empty={category ? `No calls filtered for ${harmLabel(category)}.` : 'No filtered calls.'} />
    </section>
  );
}
