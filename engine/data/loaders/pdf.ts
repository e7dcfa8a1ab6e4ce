/**
 * PDF: the text layer of each page becomes one section carrying its page number, so answers can
 * cite "page 3". Scanned PDFs have no text layer; that is reported, not indexed as nothing.
 *
 * A PDF has no paragraphs, only positioned lines; a vertical gap clearly larger than the line
 * spacing is taken as a paragraph break (a blank line), so the chunker can keep paragraphs whole
 * instead of seeing a page as one block of lines.
 */
import { WeirError } from '../../errors.ts';
import { getMeta, getResolvedPDFJS } from 'unpdf';
import { buildDocument, stem, unreadable } from './common.ts';
import type { LoadedDocument, RawSection } from './types.ts';

/** pdf.js can spin on adversarial files; a load must fail rather than hang an upload. */
export const PDF_TIMEOUT_MS = 30_000;

type PdfDocument = Awaited<ReturnType<Awaited<ReturnType<typeof getResolvedPDFJS>>['getDocument']>['promise']>;

/** A gap between baselines over this many font sizes is a paragraph break (body text: ~1.2). */
const PARAGRAPH_GAP = 1.6;

async function pageText(pdf: PdfDocument, pageNumber: number): Promise<string> {
  const page = await pdf.getPage(pageNumber);
  const content = await page.getTextContent();
  const out: string[] = [];
  let last: { y: number; size: number } | undefined;
  let eol = false;
  for (const item of content.items) {
    if (!('str' in item)) continue;
    if (item.str !== '') {
      const [, , c, d, , y] = item.transform as number[];
      const size = Math.hypot(c, d) || item.height || 1;
      if (last && (eol || Math.abs(last.y - y) > 0.5 * Math.max(size, last.size))) {
        const gap = last.y - y;
        const em = Math.max(size, last.size);
        out[out.length - 1] = out[out.length - 1].trimEnd();
        // Far below, or back up the page (a new column): a new paragraph.
        out.push(gap > PARAGRAPH_GAP * em || gap < -em ? '\n\n' : '\n');
      }
      out.push(item.str);
      last = { y, size };
      eol = false;
    }
    if (item.hasEOL) eol = true;
  }
  page.cleanup();
  return out.join('');
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export async function loadPdf(name: string, bytes: Uint8Array, timeoutMs = PDF_TIMEOUT_MS): Promise<LoadedDocument> {
  // A cheap check first: pdf.js would otherwise try hard to "repair" any random bytes.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (!head.includes('%PDF-')) throw unreadable(name, 'it is not a PDF (no %PDF- header)');
  let pages: string[];
  let title = '';
  try {
    const { getDocument } = await getResolvedPDFJS();
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy. Its warnings
    // about damaged files would only flood the server log: the error says what matters.
    let timedOut = false;
    const task = getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: true, verbosity: 0 });
    const work = (async () => {
      const pdf = await task.promise;
      try {
        const text: string[] = [];
        for (let p = 1; p <= pdf.numPages && !timedOut; p++) {
          text.push(await pageText(pdf, p));
          // pdf.js settles its promises without ever yielding to the event loop: without this, a
          // long PDF would hold the server for its whole parse, and the time limit could not fire.
          await new Promise((resolve) => setImmediate(resolve));
        }
        const meta = await getMeta(pdf).catch(() => undefined);
        const t = meta?.info?.Title;
        return { text, title: typeof t === 'string' ? t : '' };
      } finally {
        await pdf.destroy().catch(() => undefined);
      }
    })();
    ({ text: pages, title } = await withTimeout(work, timeoutMs, () => {
      // Stop the parse too: a timed-out file must not keep a core busy in the background.
      timedOut = true;
      task.destroy().catch(() => undefined);
      return unreadable(name, `parsing took over ${timeoutMs} ms`);
    }));
  } catch (err) {
    if (err instanceof WeirError) throw err;
    throw unreadable(name, `it is not a valid PDF (${err instanceof Error ? err.message : String(err)})`, err);
  }
  const sections: RawSection[] = pages.map((text, i) => ({ text, headingPath: [], page: i + 1 }));
  if (!sections.some((s) => s.text.trim())) {
    throw unreadable(name, 'it has no text layer (a scanned PDF needs OCR first)');
  }
  return buildDocument(name, 'pdf', title || stem(name), sections);
}
