/**
 * Writes small, valid PDF files from scratch (no dependency), so loader tests and the shipped
 * corpus have real PDFs whose text layer pdf.js can extract: Helvetica / Helvetica-Bold text
 * objects in WinAnsiEncoding, one content stream per page, an Info dictionary with the title,
 * and a cross-reference table with exact byte offsets.
 *
 * Paragraphs are wrapped to the page width by Helvetica's real glyph widths (approximated for
 * characters outside ASCII), laid out top to bottom with a blank gap between paragraphs, and
 * flow onto new pages when a page is full; `pageBreak` forces one.
 *
 * Format reference: ISO 32000-1, sections 7.5 (file structure) and 9 (text).
 */

export type PdfBlock =
  | string
  | { text: string; size?: number; bold?: boolean }
  | { pageBreak: true };

export interface PdfOptions {
  /** Written to the Info dictionary's /Title. */
  title?: string;
  /** Body font size in points (default 11). */
  fontSize?: number;
}

const PAGE_W = 612;
const PAGE_H = 792;
const MARGIN = 72;

// Helvetica advance widths (1/1000 em) for ASCII 32..126, from the standard AFM.
// prettier-ignore
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
  556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
  722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
  278, 278, 469, 556, 222, 500, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

function textWidth(s: string, size: number, bold: boolean): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    w += c >= 32 && c <= 126 ? HELVETICA[c - 32] : 556;
  }
  // Helvetica-Bold runs ~5 % wider; wrapping only needs to stay inside the margins.
  return (w * size * (bold ? 1.06 : 1)) / 1000;
}

/** Greedy word wrap to `width` points. */
function wrap(text: string, size: number, bold: boolean, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, size, bold) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

// WinAnsiEncoding for the few non-Latin-1 characters prose uses; Latin-1 maps to itself.
const WIN_ANSI: Record<string, number> = { '€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '™': 0x99 };

/** A PDF literal string: WinAnsi bytes (as latin1 chars) with (, ) and \ escaped. */
function pdfString(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = WIN_ANSI[ch] ?? ch.charCodeAt(0);
    if (code > 0xff || ch.length > 1) throw new Error(`makePdf: character ${JSON.stringify(ch)} is not in WinAnsiEncoding`);
    const c = String.fromCharCode(code);
    out += c === '(' || c === ')' || c === '\\' ? `\\${c}` : c;
  }
  return `(${out})`;
}

interface Line {
  text: string;
  size: number;
  bold: boolean;
  y: number;
}

export function makePdf(blocks: PdfBlock[], opts: PdfOptions = {}): Uint8Array {
  const body = opts.fontSize ?? 11;
  const pages: Line[][] = [[]];
  let y = PAGE_H - MARGIN;
  const newPage = () => {
    pages.push([]);
    y = PAGE_H - MARGIN;
  };
  for (const block of blocks) {
    if (typeof block === 'object' && 'pageBreak' in block) {
      newPage();
      continue;
    }
    const { text, size = body, bold = false } = typeof block === 'string' ? { text: block } : block;
    const leading = size * 1.3;
    for (const line of wrap(text, size, bold, PAGE_W - 2 * MARGIN)) {
      if (y - leading < MARGIN) newPage();
      y -= leading;
      pages[pages.length - 1].push({ text: line, size, bold, y });
    }
    y -= size; // the gap between paragraphs
  }
  if (pages.length > 1 && pages[pages.length - 1].length === 0) pages.pop();

  // Objects: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 info, then page + contents pairs.
  const objects: string[] = [];
  const kids = pages.map((_, i) => `${6 + 2 * i} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  objects.push(opts.title === undefined ? '<< /Producer (weir test make-pdf) >>' : `<< /Title ${pdfString(opts.title)} /Producer (weir test make-pdf) >>`);
  for (const [i, lines] of pages.entries()) {
    const ops = lines.map((l) => `BT /${l.bold ? 'F2' : 'F1'} ${l.size} Tf ${MARGIN} ${l.y.toFixed(2)} Td ${pdfString(l.text)} Tj ET`).join('\n');
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${7 + 2 * i} 0 R >>`);
    objects.push(`<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`);
  }

  // Every string above is latin1 (one char = one byte), so string lengths are byte offsets.
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (const [i, obj] of objects.entries()) {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${obj}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
