/**
 * HTML to text: only what a reader sees. Script, style, noscript, template and similar content
 * is dropped, and so are navigation menus (<nav>) and elements marked `hidden` or
 * `aria-hidden="true"`: they repeat on every page of a site and would drown the page's own text.
 * Block elements become paragraph breaks (so the chunker finds paragraphs), list items and <br>
 * line breaks (a list stays one paragraph), and table rows lines with their cells separated by
 * " | ", so a row's values stay together.
 * h1-h6 start sections with a heading path; <title> names the document. Entities are decoded by
 * htmlparser2, which also tolerates broken markup (it never throws on bad HTML).
 */
import { Parser } from 'htmlparser2';
import { buildDocument, decodeText, stem } from './common.ts';
import type { DocumentFormat, LoadedDocument, RawSection } from './types.ts';

const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'nav', 'select', 'button']);
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'details', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'ol', 'p', 'pre',
  'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'ul',
]);
const HEADING = /^h([1-6])$/;

/**
 * Appends pieces and knows how its text ends without looking at the text itself: reading the end
 * of a string built by `+=` makes V8 flatten (copy) all of it, which made long pages quadratic.
 */
class TextBuilder {
  private parts: string[] = [];
  /** The last two characters. */
  private tail = '';

  add(s: string): void {
    if (!s) return;
    this.parts.push(s);
    this.tail = s.length >= 2 ? s.slice(-2) : (this.tail + s).slice(-2);
  }

  endsWith(s: string): boolean {
    return this.tail.endsWith(s);
  }

  /** True when empty: nothing to separate from. */
  endsInSpace(): boolean {
    return this.tail === '' || /\s$/.test(this.tail);
  }

  take(): string {
    const s = this.parts.join('');
    this.parts = [];
    this.tail = '';
    return s;
  }
}

/** Parse HTML text into sections; `format` lets other loaders (e.g. docx via HTML) reuse it. */
export function htmlToDocument(name: string, html: string, format: DocumentFormat = 'html'): LoadedDocument {
  const sections: RawSection[] = [];
  const stack: (string | undefined)[] = [];
  const text = new TextBuilder();
  /** Open elements inside a dropped one (0: not dropping). */
  let skipDepth = 0;
  let preDepth = 0;
  let title = '';
  let inTitle = false;
  let heading: { level: number; text: string } | undefined;
  /** Per open <table>: whether the current row has had a cell yet. */
  const tables: { cells: number }[] = [];
  /** Open <td>/<th> elements: inside one, blocks are spaces so a row stays one line. */
  let cellDepth = 0;

  const path = () => stack.filter((h): h is string => !!h);
  const space = () => {
    if (!text.endsInSpace()) text.add(' ');
  };
  const breakPara = () => {
    if (cellDepth) return space();
    if (!text.endsWith('\n\n')) text.add(text.endsWith('\n') ? '\n' : '\n\n');
  };
  const breakLine = () => {
    if (cellDepth) return space();
    if (!text.endsWith('\n')) text.add('\n');
  };

  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        if (skipDepth) return void skipDepth++;
        if (SKIP.has(tag) || attrs.hidden !== undefined || attrs['aria-hidden'] === 'true') return void (skipDepth = 1);
        if (tag === 'title') inTitle = true;
        else if (tag === 'pre') preDepth++;
        const h = HEADING.exec(tag);
        if (h) {
          sections.push({ text: text.take(), headingPath: path() });
          heading = { level: Number(h[1]), text: '' };
        } else if (tag === 'li') breakLine();
        else if (tag === 'br') {
          if (heading) heading.text += ' ';
          else breakLine();
        } else if (tag === 'table') {
          breakPara();
          tables.push({ cells: 0 });
        } else if (tag === 'tr') {
          if (tables.length) tables[tables.length - 1].cells = 0;
        } else if (tag === 'td' || tag === 'th') {
          const t = tables[tables.length - 1];
          if (t && t.cells++ > 0 && !cellDepth) text.add(text.endsInSpace() ? '| ' : ' | ');
          cellDepth++;
        } else if (BLOCK.has(tag)) breakPara();
      },
      ontext(data) {
        if (skipDepth) return;
        if (inTitle) title += data;
        else if (heading) heading.text += data;
        // Source line breaks are not paragraph breaks in HTML, except inside <pre>.
        else if (preDepth) text.add(data);
        else {
          const words = data.replace(/\s+/g, ' ');
          text.add(text.endsInSpace() ? words.trimStart() : words);
        }
      },
      onclosetag(tag) {
        if (skipDepth) return void skipDepth--;
        if (tag === 'title') inTitle = false;
        else if (tag === 'pre') preDepth = Math.max(0, preDepth - 1);
        const h = HEADING.exec(tag);
        if (h && heading) {
          const words = heading.text.replace(/\s+/g, ' ').trim();
          stack.length = heading.level - 1;
          // An empty heading (an image, an anchor) opens a level but names nothing.
          stack[heading.level - 1] = words || undefined;
          heading = undefined;
        } else if (tag === 'td' || tag === 'th') cellDepth = Math.max(0, cellDepth - 1);
        else if (tag === 'tr' || tag === 'li') breakLine();
        else if (tag === 'table') {
          tables.pop();
          breakPara();
        } else if (BLOCK.has(tag)) breakPara();
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  sections.push({ text: text.take(), headingPath: path() });
  // Collapsed spaces leave ' \n' and '\n ' at block edges; paragraphs should start clean.
  for (const s of sections) s.text = s.text.replace(/[ \t]*\n[ \t]*/g, '\n');
  const firstH1 = sections.find((s) => s.headingPath.length > 0)?.headingPath[0];
  return buildDocument(name, format, title.replace(/\s+/g, ' ').trim() || firstH1 || stem(name), sections);
}

export function loadHtml(name: string, bytes: Uint8Array): LoadedDocument {
  return htmlToDocument(name, decodeText(name, bytes));
}
