import type { BatchRun } from './batch-api.ts';

/** A value of a line's inputs or outputs, short: text as is, the rest as JSON. */
export const short = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** An object's fields, one `name: value` a line. */
export const fields = (o: Record<string, unknown> | null | undefined): string =>
  o ? Object.entries(o).map(([k, v]) => `${k}: ${short(v)}`).join('\n') : '';

export const metric = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : String(Math.round(n * 10_000) / 10_000));

export const signed = (n: number | null): string => (n === null ? '—' : `${n > 0 ? '+' : ''}${metric(n)}`);

/** A run id's last characters (ids share their time-ordered start). */
export const shortId = (id: string): string => id.slice(-8);

export const runLabel = (r: Pick<BatchRun, 'id' | 'flow' | 'version'>): string => `${r.flow} ${r.version === null ? 'draft' : `v${r.version}`} · ${shortId(r.id)}`;

export const duration = (ms: number | null): string => (ms === null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`);

/** The columns of the first JSONL lines that parse as objects. */
export function jsonlColumns(text: string): { lines: number; columns: string[] } {
  const rows = text.split('\n').filter((l) => l.trim());
  const cols = new Set<string>();
  for (const l of rows.slice(0, 50)) {
    try {
      const v: unknown = JSON.parse(l);
      if (v && typeof v === 'object' && !Array.isArray(v)) Object.keys(v).forEach((k) => cols.add(k));
    } catch {
      /* a bad line fails on its own in the run */
    }
  }
  return { lines: rows.length, columns: [...cols] };
}
