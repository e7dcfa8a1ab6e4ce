/**
 * Markdown, heading-aware: each run of text under a heading becomes a section whose
 * `headingPath` is that heading and its ancestors, so chunks know where in the document they
 * sit. Markup inside paragraphs is kept as written (it is readable text to an embedder).
 */
import { buildDocument, decodeText, stem } from './common.ts';
import type { LoadedDocument, RawSection } from './types.ts';

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;

/** YAML front matter is metadata, not prose; its `title:` names the document. */
function splitFrontMatter(text: string): { body: string; title?: string } {
  const m = /^---\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!m) return { body: text };
  const t = /^title:[ \t]*(.+)$/m.exec(m[1]);
  const title = t?.[1].trim().replace(/^(["'])(.*)\1$/, '$2');
  return { body: text.slice(m[0].length), title };
}

export function loadMarkdown(name: string, bytes: Uint8Array): LoadedDocument {
  const { body, title: fmTitle } = splitFrontMatter(decodeText(name, bytes));
  const lines = body.split('\n');
  const sections: RawSection[] = [];
  // stack[i] is the heading at level i+1 currently open (sparse when levels are skipped).
  const stack: (string | undefined)[] = [];
  let buf: string[] = [];
  let fence: string | undefined;
  let firstH1: string | undefined;

  const path = () => stack.filter((h): h is string => !!h);
  const flush = () => {
    sections.push({ text: buf.join('\n'), headingPath: path() });
    buf = [];
  };
  const openHeading = (level: number, text: string) => {
    flush();
    stack.length = level - 1;
    stack[level - 1] = text;
    if (level === 1) firstH1 ??= text;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const f = FENCE.exec(line);
    // Inside a code fence `#` starts comments, not headings.
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length) fence = undefined;
      buf.push(line);
      continue;
    }
    if (f) {
      fence = f[1];
      buf.push(line);
      continue;
    }
    const atx = ATX.exec(line);
    if (atx) {
      openHeading(atx[1].length, (atx[2] ?? '').trim());
      continue;
    }
    // Setext: a single text line underlined by === (h1) or --- (h2); a lone --- is a rule.
    const next = lines[i + 1];
    const prev = buf[buf.length - 1];
    if (next !== undefined && SETEXT.test(next) && line.trim() && (prev === undefined || !prev.trim())) {
      openHeading(next.trim()[0] === '=' ? 1 : 2, line.trim());
      i++;
      continue;
    }
    buf.push(line);
  }
  flush();
  return buildDocument(name, 'md', fmTitle ?? firstH1 ?? stem(name), sections);
}
