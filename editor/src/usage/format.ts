import { browserLocale } from '../components/format-date.ts';
import { exact } from '../quotas/format.ts';

/** US dollars as priced (micro-dollars): "$0.000123" below a cent, "$1,234.50" above a dollar. */
export function usd(n: number): string {
  if (n === 0) return '$0';
  if (Math.abs(n) >= 1) return `$${new Intl.NumberFormat(browserLocale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)}`;
  return `$${Number(n.toFixed(6))}`;
}

/** What a call or line cost, exact in its title. */
export const costTitle = (n: number) => `${n} USD`;

export const tokens = (n: number) => exact(n);
