import { isTruncated } from './trace-view.ts';

/** A duration the way people read it: 840 ms, 2.4 s, 3 m 05 s. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} m ${String(s).padStart(2, '0')} s`;
}

/** Token counts (and cost when known) in one line, or '' when the run used none. */
export function formatUsage(usage: Record<string, number> | null | undefined): string {
  if (!usage) return '';
  const parts: string[] = [];
  if (usage.prompt_tokens) parts.push(`${usage.prompt_tokens} in`);
  if (usage.completion_tokens) parts.push(`${usage.completion_tokens} out`);
  if (usage.total_tokens) parts.push(`${usage.total_tokens} total`);
  if (usage.cost) parts.push(`$${usage.cost.toFixed(usage.cost < 0.01 ? 5 : 3)}`);
  return parts.length ? `${parts.join(' · ')}${usage.total_tokens || usage.prompt_tokens || usage.completion_tokens ? ' tokens' : ''}` : '';
}

/** A value as text: strings as they are (an LLM's answer reads as prose), anything else as pretty JSON. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  if (isTruncated(v)) return `${v.preview}…\n\n(${v.chars.toLocaleString()} characters in all; too large to keep whole)`;
  try {
    return JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A start time: the clock time today, the date and time otherwise. */
export function formatStarted(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toDateString() === now.toDateString();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return sameDay ? time : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

export function shortId(id: string): string {
  // Run ids are UUIDv7, whose first digits are the time; the tail tells runs of one moment apart.
  return id.length > 8 ? `…${id.slice(-8)}` : id;
}
