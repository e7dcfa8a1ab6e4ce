import { exact } from '../quotas/format.ts';
import { href } from '../shell/router.ts';
import { bucketLabel, dayLabel } from './range.ts';
import { costTitle, usd } from './format.ts';
import { keyName, type KeyOption } from './keys.ts';
import type { UsageLine } from './usage-api.ts';

export type Column = 'deployment' | 'key' | 'model' | 'day' | 'hour';
const TITLES: Record<Column, string> = { deployment: 'Deployment', key: 'Key', model: 'Model', day: 'Day (UTC)', hour: 'Hour (UTC)' };

function Cell({ line, column, keys }: { line: UsageLine; column: Column; keys: KeyOption[] }) {
  if (column === 'deployment') return <td>{line.deployment ? <a href={href('deployments', line.deployment)}>{line.deployment}</a> : '—'}</td>;
  if (column === 'key') return <td title={line.key ?? 'the admin token'}>{keyName(keys, line.key)}</td>;
  if (column === 'model') return <td>{line.model ?? <span className="muted">flow</span>}</td>;
  const b = line[column]!;
  return <td title={b}>{column === 'day' ? dayLabel(b) : `${dayLabel(b.slice(0, 10))} ${bucketLabel(b, 'hour')}`}</td>;
}

function Sums({ line, testId }: { line: UsageLine; testId?: string }) {
  return (
    <>
      <td className="num" data-testid={testId && `${testId}-requests`}>{exact(line.requests)}</td>
      <td className="num">{exact(line.prompt_tokens)}</td>
      <td className="num">{exact(line.completion_tokens)}</td>
      <td className="num" data-testid={testId && `${testId}-tokens`}>{exact(line.total_tokens)}</td>
      <td className="num" data-testid={testId && `${testId}-cost`} title={costTitle(line.cost)}>
        {usd(line.cost)}
      </td>
    </>
  );
}

/** The report's lines under the columns it is grouped by, largest first (in time order when by time), with their total. */
export function UsageTable({ lines, total, columns, keys }: { lines: UsageLine[]; total: UsageLine; columns: Column[]; keys: KeyOption[] }) {
  const time = columns.find((c) => c === 'day' || c === 'hour');
  const sorted = [...lines].sort((a, b) => (time ? (a[time]! < b[time]! ? -1 : 1) : b.total_tokens - a.total_tokens));
  return (
    <table className="list compact usage-table" aria-label={`Usage by ${columns.map((c) => TITLES[c].toLowerCase()).join(' and ')}`}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c}>{TITLES[c]}</th>
          ))}
          <th className="num">Requests</th>
          <th className="num">Prompt tokens</th>
          <th className="num">Completion tokens</th>
          <th className="num">Total tokens</th>
          <th className="num">Cost</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((l) => (
          <tr key={JSON.stringify(columns.map((c) => l[c]))} data-testid="usage-line">
            {columns.map((c) => (
              <Cell key={c} line={l} column={c} keys={keys} />
            ))}
            <Sums line={l} />
          </tr>
        ))}
        {!sorted.length && (
          <tr>
            <td colSpan={columns.length + 5} className="muted">
              No calls in this range.
            </td>
          </tr>
        )}
      </tbody>
      <tfoot>
        <tr className="total">
          <th colSpan={columns.length} scope="row">
            Total
          </th>
          <Sums line={total} testId="total" />
        </tr>
      </tfoot>
    </table>
  );
}
