import { CallsTable } from './calls-table.tsx';
import type { KeyOption } from './keys.ts';
import type { UsageFilter } from './usage-api.ts';
import { useCalls } from './use-calls.ts';

/** Calls listed a page at a time. */
export const PAGE = 20;

/** The calls behind the report, newest first: status, latency, tokens, cost and what was filtered. */
export function RecentCalls({ filter, keys, tick }: { filter: UsageFilter; keys: KeyOption[]; tick: number }) {
  const calls = useCalls({ ...filter, limit: PAGE }, [filter.from, filter.to, filter.deployment, filter.key, tick]);
  return (
    <section className="card" aria-label="Recent calls">
      <h2>Recent calls</h2>
      <CallsTable calls={calls} keys={keys} label="Recent calls" empty="No calls in this range." />
    </section>
  );
}
