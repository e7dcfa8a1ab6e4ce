import { browserLocale } from '../components/format-date.ts';

/** Numbers of tokens and calls a minute, short for reading (1.5M) and exact for titles (1,500,000). */
export function exact(n: number): string {
  return new Intl.NumberFormat(browserLocale()).format(n);
}

const UNITS: [number, string][] = [
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** 1 500 000 → "1.5M", 250 000 → "250k", 1 080 → "1,080"; rounded to at most 3 significant digits. */
export function short(n: number): string {
  // Below 10 000 the exact figure is as short to read ("1,080" rather than "1.08k").
  if (Math.abs(n) < 10_000) return exact(n);
  for (const [size, unit] of UNITS) {
    if (Math.abs(n) >= size) return `${Number((n / size).toPrecision(3))}${unit}`;
  }
  return exact(n);
}

export const tokensPerMin = (n: number) => `${short(n)} tokens/min`;
export const callsPerMin = (n: number) => `${short(n)} calls/min`;

/** The requests a minute an allocation gives, as the server counts them (6 per 1 000 tokens a minute). */
export const rpmOf = (tpm: number) => Math.floor((tpm * 6) / 1000);
