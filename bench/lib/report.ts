/** JSON-line output and the statistics the data benchmarks print. */
import { machine } from './weir-process.ts';

export const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);
export const print = (line: Record<string, unknown>) => console.log(JSON.stringify({ ...line, rss_mb: rssMb(), machine: { ...machine, weir_threads: Number(process.env.WEIR_THREADS) } }));
export const round = (x: number, digits = 1) => +x.toFixed(digits);
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Nearest-rank percentile. */
export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
export const ms = (xs: number[]) => ({ p50_ms: round(pct(xs, 50), 2), p99_ms: round(pct(xs, 99), 2), mean_ms: round(xs.reduce((a, b) => a + b, 0) / xs.length, 2) });
