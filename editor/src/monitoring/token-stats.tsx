import { exact } from '../quotas/format.ts';
import { num } from './format.ts';
import type { MonitorView } from './monitoring-api.ts';

/** Tokens per call over the window, from the usage records: calls, then input and output mean, p50 and p95. */
export function TokenStats({ tokens }: { tokens: MonitorView['tokens'] }) {
  const rows = [
    ['Input', 'input', tokens.input_tokens],
    ['Output', 'output', tokens.output_tokens],
  ] as const;
  return (
    <>
      <p className="monitor-calls">
        <span data-testid="token-calls">{exact(tokens.calls)}</span> {tokens.calls === 1 ? 'call' : 'calls'} in the window
      </p>
      <table className="list compact token-stats" aria-label="Tokens per call">
        <thead>
          <tr>
            <th>Tokens per call</th>
            <th className="num">Mean</th>
            <th className="num">p50</th>
            <th className="num">p95</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, id, s]) => (
            <tr key={id}>
              <th scope="row">{label}</th>
              <td className="num" data-testid={`${id}-mean`}>{num(s.mean)}</td>
              <td className="num" data-testid={`${id}-p50`}>{num(s.p50)}</td>
              <td className="num" data-testid={`${id}-p95`}>{num(s.p95)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
