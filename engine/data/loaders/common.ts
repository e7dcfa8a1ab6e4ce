/**
 * Helpers every format loader shares: UTF-8 decoding, the two error shapes, and turning raw
 * sections into a document whose spans are consistent with its full text by construction.
 */
import { WeirError } from '../../errors.ts';
import type { DocumentFormat, LoadedDocument, RawSection, Section } from './types.ts';

/** Between sections in `fullText`: a blank line, so the chunker also sees them as paragraphs. */
export const SECTION_SEPARATOR = '\n\n';

export function unreadable(name: string, reason: string, cause?: unknown): WeirError {
  return new WeirError('unreadable_file', `cannot read "${name}": ${reason}`, { status: 422, cause });
}

/** The file name without directories and extension: the title when the format has none. */
export function stem(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Text files as users have them: UTF-8 (with or without BOM), UTF-16 with a BOM (what Windows
 * Notepad and Excel's "Unicode text" write), or a legacy 8-bit encoding (Excel's default CSV
 * export on Windows is Windows-1252), which is only assumed when the bytes are not UTF-8 and
 * read as clean text that way. Anything else (binary files with a text extension, other
 * encodings) is a clear error rather than text full of U+FFFD or control bytes that would be
 * embedded as garbage.
 */
export function decodeText(name: string, bytes: Uint8Array): string {
  let text: string;
  const bom16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (bom16) {
    try {
      text = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(bytes);
    } catch (err) {
      throw unreadable(name, 'it starts with a UTF-16 byte order mark but is not valid UTF-16 text', err);
    }
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (err) {
      const legacy = decodeWindows1252(bytes);
      if (CONTROL.test(legacy)) throw unreadable(name, 'it is not text (neither UTF-8 nor an 8-bit encoding without control bytes)', err);
      text = legacy;
    }
  }
  // NUL never occurs in real text files; it means a binary file with a text extension.
  if (text.includes('\u0000')) throw unreadable(name, 'it contains binary data (NUL bytes)');
  return text.replace(/\r\n?/g, '\n');
}

// Bytes 0x80-0x9F of Windows-1252 (the five it leaves undefined stay C1 controls, i.e. "not text").
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * By hand: Node 20's TextDecoder('windows-1252') decodes as ISO-8859-1 (0x80-0x9F become C1
 * controls instead of € “ ” – — …), which would turn every Excel CSV with a curly quote into "binary".
 */
function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const codes = new Uint16Array(Math.min(bytes.length, 0x8000));
  for (let at = 0; at < bytes.length; at += codes.length) {
    const n = Math.min(codes.length, bytes.length - at);
    for (let i = 0; i < n; i++) {
      const b = bytes[at + i];
      codes[i] = b >= 0x80 && b < 0xa0 ? CP1252_80_9F.charCodeAt(b - 0x80) : b;
    }
    parts.push(String.fromCharCode(...codes.subarray(0, n)));
  }
  return parts.join('');
}

/** C0 controls other than tab, newlines and form feed, DEL, and C1 controls: never in text. */
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/;

/** Trim each line's trailing spaces, squeeze 3+ newlines to a blank line, trim the ends. */
export function tidy(text: string): string {
  return text
    .replace(/[ \t\f\v]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Assign spans: sections are tidied, empty ones dropped, and joined by SECTION_SEPARATOR, so
 * `fullText.slice(s.start, s.end) === s.text` for every section. A document with no text at all
 * is an error: there is nothing to index, and silently indexing nothing hides the problem.
 */
export function buildDocument(name: string, format: DocumentFormat, title: string, raw: RawSection[]): LoadedDocument {
  const sections: Section[] = [];
  let fullText = '';
  for (const r of raw) {
    const text = tidy(r.text);
    if (!text) continue;
    if (sections.length > 0) fullText += SECTION_SEPARATOR;
    const start = fullText.length;
    fullText += text;
    const s: Section = { text, headingPath: r.headingPath, start, end: fullText.length };
    if (r.page !== undefined) s.page = r.page;
    if (r.metadata && Object.keys(r.metadata).length > 0) s.metadata = r.metadata;
    sections.push(s);
  }
  if (sections.length === 0) throw unreadable(name, 'it contains no text');
  return { name, title: title.trim() || stem(name), format, sections, fullText };
}
