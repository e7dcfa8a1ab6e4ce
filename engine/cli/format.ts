import path from 'node:path';
import type { Problem } from '../errors.ts';
import type { NodeTrace } from '../run/trace.ts';

/** `file:line:col: error code: message [node]`, as compilers print. */
export function formatProblem(file: string, p: Problem): string {
  const where = p.line ? `${file}:${p.line}:${p.col ?? 1}` : file;
  const node = p.node ? ` [node ${p.node}]` : '';
  const at = p.path.length ? ` (at ${p.path.join('.')})` : '';
  return `${where}: ${p.severity ?? 'error'} ${p.code}: ${p.message}${node}${at}`;
}

export function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

export function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

/** The per-node table `--trace` prints: status, attempts and time of every node. */
export function traceTable(trace: readonly NodeTrace[], nullOutputs: Record<string, string>): string {
  const rows = trace.map((t) => [
    t.node,
    t.type,
    t.status,
    String(t.attempts),
    t.startMs !== undefined && t.endMs !== undefined ? (t.endMs - t.startMs).toFixed(1) : '-',
    t.skipReason ?? (t.error ? `${t.error.code}: ${t.error.message}` : t.items !== undefined ? `${t.items} items` : ''),
  ]);
  const head = ['node', 'type', 'status', 'attempts', 'ms', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const notes = Object.entries(nullOutputs).map(([o, why]) => `output ${o} is null: ${why}`);
  return [line(head), ...rows.map(line), ...notes].join('\n');
}

/** `accuracy=0.75 count=4`: a run's metrics on one line. */
export function formatMetrics(m: Record<string, number>): string {
  return Object.entries(m).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : Number(v.toFixed(4))}`).join(' ') || '(none)';
}
