/**
 * Record formats (json, jsonl, csv): one section per record. The text is one field (the given
 * `textField`, else the first of text/content/body); the record's other scalar fields are kept
 * as metadata for filtering and citations. A record without text is an error naming it: silently
 * skipping rows would make data go missing without anyone noticing.
 */
import { parse } from 'csv-parse/sync';
import { buildDocument, decodeText, stem, unreadable } from './common.ts';
import type { LoadedDocument, MetadataValue, RawSection } from './types.ts';

export const DEFAULT_TEXT_FIELDS = ['text', 'content', 'body'] as const;

export interface RecordOptions {
  textField?: string;
}

const isScalar = (v: unknown): v is MetadataValue => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** `where` names the record for errors, e.g. "record 3" or "line 7". */
function recordSection(name: string, rec: unknown, where: string, opts: RecordOptions): RawSection {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) throw unreadable(name, `${where} is not an object`);
  const obj = rec as Record<string, unknown>;
  const field = opts.textField ?? DEFAULT_TEXT_FIELDS.find((f) => isScalar(obj[f]));
  const value = field === undefined ? undefined : obj[field];
  if (!isScalar(value) || String(value).trim() === '') {
    const wanted = opts.textField ? `"${opts.textField}"` : DEFAULT_TEXT_FIELDS.map((f) => `"${f}"`).join(', ');
    throw unreadable(name, `${where} has no text in ${wanted}`);
  }
  const metadata: Record<string, MetadataValue> = {};
  for (const [k, v] of Object.entries(obj)) if (k !== field && isScalar(v)) metadata[k] = v;
  // A record's own title is the natural heading for its chunks.
  const heading = typeof obj.title === 'string' && field !== 'title' ? obj.title.trim() : '';
  return { text: String(value), headingPath: heading ? [heading] : [], metadata };
}

export function loadJson(name: string, bytes: Uint8Array, opts: RecordOptions = {}): LoadedDocument {
  const raw = decodeText(name, bytes);
  if (!raw.trim()) throw unreadable(name, 'it contains no text');
  let data: unknown;
  try {
    data = JSON.parse(raw.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw unreadable(name, `it is not valid JSON (${(err as Error).message})`, err);
  }
  const records = Array.isArray(data) ? data : [data];
  const sections = records.map((r, i) => recordSection(name, r, `record ${i + 1}`, opts));
  return buildDocument(name, 'json', stem(name), sections);
}

export function loadJsonl(name: string, bytes: Uint8Array, opts: RecordOptions = {}): LoadedDocument {
  const lines = decodeText(name, bytes).replace(/^\uFEFF/, '').split('\n');
  const sections: RawSection[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      throw unreadable(name, `line ${i + 1} is not valid JSON (${(err as Error).message})`, err);
    }
    sections.push(recordSection(name, rec, `line ${i + 1}`, opts));
  });
  return buildDocument(name, 'jsonl', stem(name), sections);
}

export function loadCsv(name: string, bytes: Uint8Array, opts: RecordOptions = {}): LoadedDocument {
  let rows: Record<string, string>[];
  try {
    rows = parse(decodeText(name, bytes), { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    // csv-parse messages name the line, e.g. "Invalid Record Length: ... on line 4".
    throw unreadable(name, `it is not valid CSV (${(err as Error).message})`, err);
  }
  const sections = rows.map((row, i): RawSection => {
    // Row numbers count the header as line 1, as a spreadsheet shows them.
    if (opts.textField) return recordSection(name, row, `row ${i + 2}`, opts);
    const filled = Object.entries(row).filter(([, v]) => v !== '');
    return { text: filled.map(([k, v]) => `${k}: ${v}`).join('\n'), headingPath: [], metadata: Object.fromEntries(filled) };
  });
  return buildDocument(name, 'csv', stem(name), sections);
}
