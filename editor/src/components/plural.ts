import { browserLocale } from './format-date.ts';

/**
 * "1 chunk", "2 chunks", "0 chunks": a count with the right word form. The studio's words are
 * English, so the form is chosen by English plural rules; the number itself is written the reader's
 * way (1,234 or 1.234).
 */
export function plural(n: number, one: string, other: string, locale = browserLocale()): string {
  const form = new Intl.PluralRules('en').select(n) === 'one' ? one : other;
  return `${new Intl.NumberFormat(locale).format(n)} ${form}`;
}
