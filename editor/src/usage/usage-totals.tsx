import { exact } from '../quotas/format.ts';
import { costTitle, usd } from './format.ts';
import type { UsageReport } from './usage-api.ts';

/** The range's sums at a glance; hosting (local deployments billed by the hour) apart from per-token cost. */
export function UsageTotals({ report }: { report: UsageReport }) {
  const t = report.total;
  return (
    <dl className="usage-totals" aria-label="Totals">
      <div>
        <dt>Requests</dt>
        <dd data-testid="sum-requests">{exact(t.requests)}</dd>
      </div>
      <div>
        <dt>Tokens</dt>
        <dd data-testid="sum-tokens" title={`${exact(t.prompt_tokens)} prompt, ${exact(t.completion_tokens)} completion`}>
          {exact(t.total_tokens)}
        </dd>
      </div>
      <div>
        <dt>Token cost</dt>
        <dd data-testid="sum-cost" title={costTitle(t.cost)}>
          {usd(t.cost)}
        </dd>
      </div>
      {report.hosting.cost > 0 && (
        <div>
          <dt>Hosting</dt>
          <dd data-testid="sum-hosting" title={`${report.hosting.data.map((h) => `${h.deployment}: ${h.hours} h`).join(', ')}`}>
            {usd(report.hosting.cost)}
          </dd>
        </div>
      )}
    </dl>
  );
}
