import { WeirError, type SerializedError } from '../../errors.ts';

/** One line of a batch's data: an object of columns, or why it is not one (that line fails, no other). */
export type DataLine = { ok: true; value: Record<string, unknown> } | { ok: false; error: SerializedError };

/** Most lines one batch takes, and the longest line read (longer ones fail, unparsed). */
export const MAX_BATCH_LINES = 100_000;
export const MAX_LINE_CHARS = 1_000_000;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const bad = (message: string): DataLine => ({ ok: false, error: { code: 'invalid_data_line', message } });

/** A value as one data line: anything but a JSON object fails that line. */
export function dataLine(v: unknown): DataLine {
  if (isObj(v)) return { ok: true, value: v };
  const got = v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
  return bad(`a data line must be a JSON object of columns, got ${got}`);
}

/**
 * JSONL text as data lines, one per non-blank line (blank lines are not lines, as in prompt flow).
 * A line that is not JSON, not an object or too long fails on its own; the others still run.
 */
export function parseJsonl(text: string): DataLine[] {
  const out: DataLine[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (!raw) continue;
    if (out.length >= MAX_BATCH_LINES) throw new WeirError('invalid_argument', `the data has more than ${MAX_BATCH_LINES} lines; split it into several batches`);
    if (raw.length > MAX_LINE_CHARS) {
      out.push(bad(`the line is ${raw.length} characters long, more than a line may be (${MAX_LINE_CHARS})`));
      continue;
    }
    try {
      out.push(dataLine(JSON.parse(raw)));
    } catch (err) {
      out.push(bad(`the line is not valid JSON: ${(err as Error).message}`));
    }
  }
  return out;
}

/** A JSON array of lines (the API's body): each element one line. */
export function arrayLines(values: readonly unknown[]): DataLine[] {
  if (values.length > MAX_BATCH_LINES) throw new WeirError('invalid_argument', `the data has more than ${MAX_BATCH_LINES} lines; split it into several batches`);
  return values.map(dataLine);
}
