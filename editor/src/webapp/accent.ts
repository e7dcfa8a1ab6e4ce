/**
 * An app's accent colour made safe to read: the text drawn on it (black or white, whichever
 * contrasts more), a variant dark enough to be text on white (WCAG AA, 4.5:1), and a soft tint.
 */

type Rgb = [number, number, number];

export function parseHex(hex: string): Rgb | null {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const toHex = (c: Rgb) => `#${c.map((x) => Math.round(Math.max(0, Math.min(255, x))).toString(16).padStart(2, '0')).join('')}`;

function luminance([r, g, b]: Rgb): number {
  const ch = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((i) => a[i] + (b[i] - a[i]) * t) as Rgb;

export interface AccentColours {
  accent: string;
  /** Text on the accent. */
  text: string;
  /** The accent darkened until it reads as text on white and on the soft tint. */
  strong: string;
  soft: string;
}

export function accentColours(hex: string | null | undefined, fallback = '#2f6df6'): AccentColours {
  const c = parseHex(hex ?? '') ?? parseHex(fallback)!;
  const text = contrast(c, WHITE) >= contrast(c, BLACK) ? '#ffffff' : '#000000';
  const soft = mix(c, WHITE, 0.88);
  let strong = c;
  for (let t = 0.1; (contrast(strong, WHITE) < 4.5 || contrast(strong, soft) < 4.5) && t <= 1; t += 0.1) strong = mix(c, BLACK, t);
  return { accent: toHex(c), text, strong: toHex(strong), soft: toHex(soft) };
}
