import { pct, when } from './format.ts';
import type { Metric } from './monitoring-api.ts';

const W = 600;
const H = 120;
const PAD = 6;

/**
 * An evaluator's pass rate per bucket of the window (hours up to two days, else days) against the
 * monitor's required pass rate (the dashed line); points below it are marked.
 */
export function PassRateChart({ metric, passRate, windowHours }: { metric: Metric; passRate: number; windowHours: number }) {
  const bucket = windowHours <= 48 ? 3_600_000 : 86_400_000;
  const end = Math.ceil(Date.now() / bucket) * bucket;
  const start = end - Math.ceil((windowHours * 3_600_000) / bucket) * bucket;
  const x = (at: string) => PAD + ((Date.parse(at) + bucket / 2 - start) / (end - start)) * (W - 2 * PAD);
  const y = (rate: number) => PAD + (1 - rate) * (H - 2 * PAD);
  const points = metric.series.filter((p) => p.pass_rate !== null);
  const below = points.filter((p) => p.pass_rate! < passRate).length;
  const unit = bucket === 3_600_000 ? 'hour' : 'day';
  const label = `Pass rate of ${metric.evaluator} by ${unit}: ${points.length} ${unit}${points.length === 1 ? '' : 's'} with scores, ${below} below the required ${pct(passRate)}`;
  return (
    <figure className="pass-rate-chart">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={label}>
        <line className="required" x1={PAD} x2={W - PAD} y1={y(passRate)} y2={y(passRate)} />
        <polyline className="rate" points={points.map((p) => `${x(p.at)},${y(p.pass_rate!)}`).join(' ')} />
        {points.map((p) => (
          <circle
            key={p.at} className={p.pass_rate! < passRate ? 'below' : 'ok'} cx={x(p.at)} cy={y(p.pass_rate!)} r={4}
            data-testid="series-point" data-at={p.at} data-pass-rate={p.pass_rate!} data-count={p.count}
          >
            <title>{`${when(p.at)}: ${pct(p.pass_rate)} of ${p.count} passed`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="muted">
        {metric.evaluator}: pass rate by {unit} over the window; the dashed line is the {pct(passRate)} required.
      </figcaption>
    </figure>
  );
}
