import { useMemo, useState } from 'react';
import { useLoad } from '../components/ui.tsx';
import { deploymentsApi } from '../deployments/deployments-api.ts';
import { ExportButton } from './export-button.tsx';
import { useKeyOptions } from './keys.ts';
import { dayRange, presetRange, type Range } from './range.ts';
import { RecentCalls } from './recent-calls.tsx';
import { usageApi, type TimeUnit, type UsageFilter } from './usage-api.ts';
import { UsageChart } from './usage-chart.tsx';
import { UsageControls, type Controls } from './usage-controls.tsx';
import { UsageTable, type Column } from './usage-table.tsx';
import { UsageTotals } from './usage-totals.tsx';
import '../styles/usage.css';

const today = () => new Date().toISOString().slice(0, 10);

/** A range chosen picks the time unit that reads best: hours for the last day, days otherwise (the user may change it after). */
function withUnit(prev: Controls, next: Controls): Controls {
  if (next.preset === prev.preset) return next;
  return { ...next, unit: next.preset === '24h' ? 'hour' : 'day' };
}

/** `#/usage` reports tokens and cost over time; `#/usage/<deployment>` opens it filtered to one deployment. */
export function UsagePage({ deployment }: { deployment?: string }) {
  const [controls, setControls] = useState<Controls>({ preset: '24h', fromDay: today(), toDay: today(), dims: ['deployment'], unit: 'hour', deployment: deployment ?? '', key: '' });
  // Refresh moves a preset range to end now.
  const [tick, setTick] = useState(0);
  const range: Range | string = useMemo(
    () => (controls.preset === 'custom' ? dayRange(controls.fromDay, controls.toDay) : presetRange(controls.preset)),
    [controls.preset, controls.fromDay, controls.toDay, tick],
  );
  const filter: UsageFilter | undefined = typeof range === 'string' ? undefined : { ...range, deployment: controls.deployment || undefined, key: controls.key || undefined };
  const columns = controls.dims.length ? controls.dims : [controls.unit];
  const deps = [filter?.from, filter?.to, filter?.deployment, filter?.key];
  const series = useLoad(() => (filter ? usageApi.report(filter, [controls.unit]) : Promise.resolve(undefined)), [...deps, controls.unit]);
  const table = useLoad(() => (filter ? usageApi.report(filter, columns) : Promise.resolve(undefined)), [...deps, columns.join()]);
  const deployments = useLoad(() => deploymentsApi.list(), []);
  const keys = useKeyOptions(controls.deployment || undefined);
  const error = series.error ?? table.error;

  return (
    <div className="page-pad usage">
      <div className="page-head">
        <h1>Usage</h1>
        <span className="spacer" />
        <button type="button" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
        <ExportButton filter={filter} groupBy={columns} />
      </div>
      <p className="muted">Requests, tokens and cost of every call through the gateway (published endpoints, /v1, /openai and the playground), metered by the minute.</p>
      <UsageControls value={controls} onChange={(c) => setControls((prev) => withUnit(prev, c))} deployments={deployments.data ?? []} keys={keys} error={typeof range === 'string' ? range : undefined} />
      {error && (
        <p className="error-text" role="alert">
          {error.message}
        </p>
      )}
      {table.data && <UsageTotals report={table.data} />}
      {series.data && filter && (
        <section className="card" aria-label="Usage over time">
          <h2>Tokens and cost by {series.data.group_by[0]}</h2>
          <UsageChart lines={series.data.data} range={filter} unit={series.data.group_by[0] as TimeUnit} />
        </section>
      )}
      {table.data && (
        <section className="card" aria-label="Usage table">
          <UsageTable lines={table.data.data} total={table.data.total} columns={table.data.group_by as Column[]} keys={keys} />
        </section>
      )}
      {filter && <RecentCalls filter={filter} keys={keys} tick={tick} />}
    </div>
  );
}
