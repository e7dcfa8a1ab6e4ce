import { exact } from '../quotas/format.ts';
import { bucketLabel, type Range, buckets } from './range.ts';
import { usd } from './format.ts';
import { plural } from '../components/plural.ts';
import type { TimeUnit, UsageLine } from './usage-api.ts';

const W = 900;
const H = 200;
const PAD = { top: 10, right: 8, bottom: 22, left: 8 };

interface Point {
  bucket: string;
  tokens: number;
  cost: number;
  requests: number;
}

/** Every bucket of the range in order, empty ones as zero (or only those with usage, for very many). */
function points(lines: UsageLine[], range: Range, unit: TimeUnit): Point[] {
  const by = new Map(lines.map((l) => [l[unit]!, l]));
  const all = buckets(range, unit) ?? [...by.keys()].sort();
  return all.map((b) => ({ bucket: b, tokens: by.get(b)?.total_tokens ?? 0, cost: by.get(b)?.cost ?? 0, requests: by.get(b)?.requests ?? 0 }));
}

/**
 * Tokens as bars and cost as a line over the range, drawn as plain SVG. Each bar's title holds its
 * figures; the whole has a text summary for screen readers (the table below holds the same numbers).
 */
export function UsageChart({ lines, range, unit }: { lines: UsageLine[]; range: Range; unit: TimeUnit }) {
  const pts = points(lines, range, unit);
  const peak = Math.max(0, ...pts.map((p) => p.tokens));
  const maxTokens = Math.max(1, peak);
  const maxCost = Math.max(0, ...pts.map((p) => p.cost));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(1, pts.length);
  const x = (i: number) => PAD.left + i * slot;
  const yTokens = (n: number) => PAD.top + innerH - (n / maxTokens) * innerH;
  const yCost = (n: number) => PAD.top + innerH - (maxCost > 0 ? (n / maxCost) * innerH : 0);
  const totalTokens = pts.reduce((n, p) => n + p.tokens, 0);
  const totalCost = pts.reduce((n, p) => n + p.cost, 0);
  const used = pts.filter((p) => p.tokens > 0 || p.requests > 0).length;
  const labelEvery = Math.max(1, Math.ceil(pts.length / 12));
  const summary = `${exact(totalTokens)} tokens and ${usd(Math.round(totalCost * 1e6) / 1e6)} over ${plural(pts.length, unit, `${unit}s`)}, ${used} with calls; the most tokens in one ${unit}: ${exact(peak)}`;

  return (
    <figure className="usage-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Tokens and cost by ${unit}: ${summary}`} preserveAspectRatio="none">
        <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + innerH} y2={PAD.top + innerH} className="axis" />
        {pts.map((p, i) => (
          <g key={p.bucket} data-testid="usage-bar" data-bucket={p.bucket} data-tokens={p.tokens}>
            <rect x={x(i) + slot * 0.12} width={Math.max(1, slot * 0.76)} y={yTokens(p.tokens)} height={PAD.top + innerH - yTokens(p.tokens)} className="bar">
              <title>{`${bucketLabel(p.bucket, unit)}: ${plural(p.requests, 'request', 'requests')}, ${plural(p.tokens, 'token', 'tokens')}, ${usd(p.cost)}`}</title>
            </rect>
            {i % labelEvery === 0 && (
              <text x={x(i) + slot / 2} y={H - 6} className="tick">
                {bucketLabel(p.bucket, unit)}
              </text>
            )}
          </g>
        ))}
        {maxCost > 0 && <polyline className="cost-line" points={pts.map((p, i) => `${x(i) + slot / 2},${yCost(p.cost)}`).join(' ')} />}
      </svg>
      <figcaption className="muted">
        <span className="legend bar-key" /> tokens (highest {exact(peak)}) <span className="legend cost-key" /> cost (highest {usd(maxCost)}) · times in UTC
      </figcaption>
    </figure>
  );
}
