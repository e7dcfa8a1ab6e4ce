import { formatMs, formatStarted } from '../run/format.ts';
import { href } from '../shell/router.ts';
import { costTitle, tokens, usd } from './format.ts';
import { keyName, type KeyOption } from './keys.ts';
import type { CallRecord } from './usage-api.ts';
import type { Calls } from './use-calls.ts';

/** "prompt:self_harm" → "prompt · self harm". */
export const flagLabel = (flag: string) => flag.replace(':', ' · ').replace('_', ' ');

const statusKind = (s: number) => (s < 300 ? 'ok' : s === 429 ? 'warn' : 'bad');

function CallRow({ c, keys }: { c: CallRecord; keys: KeyOption[] }) {
  return (
    <tr data-testid={`call-${c.id}`}>
      <td title={c.at}>{formatStarted(c.at)}</td>
      <td>
        <a href={href('deployments', c.deployment)}>{c.deployment}</a>
      </td>
      <td className="mono" title={c.key_id ?? 'the admin token'}>
        {keyName(keys, c.key_id)}
      </td>
      <td>
        <span className={`tag ${statusKind(c.status)}`} data-testid="call-status">
          {c.status}
        </span>
      </td>
      <td data-testid="call-latency">{formatMs(c.latency_ms)}</td>
      <td data-testid="call-tokens" title={`${tokens(c.prompt_tokens)} in, ${tokens(c.completion_tokens)} out`}>
        {tokens(c.total_tokens)}
      </td>
      <td data-testid="call-cost" title={costTitle(c.cost)}>
        {usd(c.cost)}
      </td>
      <td data-testid="call-filtered">
        {c.filtered.length ? (
          c.filtered.map((f) => (
            <span key={f} className="tag bad">
              {flagLabel(f)}
            </span>
          ))
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

/** Calls as recorded (never their text: the records have none), with a button for older ones. */
export function CallsTable({ calls, keys, label, empty }: { calls: Calls; keys: KeyOption[]; label: string; empty: string }) {
  return (
    <>
      {calls.error && (
        <p className="error-text" role="alert">
          {calls.error.message}
        </p>
      )}
      {!calls.loading && !calls.error && !calls.data.length && <p className="muted">{empty}</p>}
      {!!calls.data.length && (
        <table className="list compact calls-table" aria-label={label}>
          <thead>
            <tr>
              <th>Time</th>
              <th>Deployment</th>
              <th>Key</th>
              <th>Status</th>
              <th>Latency</th>
              <th>Tokens</th>
              <th>Cost</th>
              <th>Filtered</th>
            </tr>
          </thead>
          <tbody>
            {calls.data.map((c) => (
              <CallRow key={c.id} c={c} keys={keys} />
            ))}
          </tbody>
        </table>
      )}
      {calls.hasMore && (
        <button type="button" className="small calls-more" disabled={calls.loading} onClick={calls.more}>
          {calls.loading ? 'Loading…' : 'Older calls'}
        </button>
      )}
    </>
  );
}
