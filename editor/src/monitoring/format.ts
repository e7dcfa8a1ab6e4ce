/** Figures of the Monitoring page: short on screen, exact in titles. */
import { formatDateTime } from '../components/format-date.ts';

/** A score or token count: up to two decimals, no trailing zeros. */
export const num = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : String(Math.round(n * 100) / 100));

/** A share (0–1) as a percentage, to one decimal. */
export const pct = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : `${Math.round(n * 1000) / 10}%`);

/** Hours as the largest whole unit: 168 → "7 days", 36 → "36 hours". */
export function hours(h: number): string {
  if (h % 24 === 0) return h === 24 ? '1 day' : `${h / 24} days`;
  return h === 1 ? '1 hour' : `${h} hours`;
}

export function minutes(m: number): string {
  if (m % 60 === 0) return m === 60 ? 'every hour' : `every ${m / 60} hours`;
  return m === 1 ? 'every minute' : `every ${m} minutes`;
}

export const when = (iso: string): string => formatDateTime(iso);

/** The state a deployment's monitor is in, as the list shows it. */
export const monitorState = (m: { enabled: boolean } | null | undefined): 'none' | 'enabled' | 'disabled' => (!m ? 'none' : m.enabled ? 'enabled' : 'disabled');
