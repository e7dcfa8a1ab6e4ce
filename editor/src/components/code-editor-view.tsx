import { yaml } from '@codemirror/lang-yaml';
import { StreamLanguage, type StreamParser } from '@codemirror/language';
import { jinja2 } from '@codemirror/legacy-modes/mode/jinja2';
import { json } from '@codemirror/legacy-modes/mode/javascript';
import { python } from '@codemirror/legacy-modes/mode/python';
import { Annotation, Compartment, EditorState, type Extension } from '@codemirror/state';
import { Decoration, EditorView, MatchDecorator, ViewPlugin, placeholder as placeholderExt, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { minimalSetup } from 'codemirror';
import { useEffect, useId, useRef, type CSSProperties } from 'react';

export type CodeLanguage = 'yaml' | 'jinja2' | 'jsonata' | 'json' | 'python' | 'text';

export interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  language: CodeLanguage;
  readOnly?: boolean;
  /** CSS length, e.g. `80px`; the editor grows with its text from there. */
  minHeight?: string;
  ariaLabel?: string;
  onBlur?: () => void;
  placeholder?: string;
  className?: string;
}

/** JSONata is small enough that a hand-written tokenizer beats pulling in a full grammar. */
const jsonataParser: StreamParser<{ comment: boolean }> = {
  name: 'jsonata',
  startState: () => ({ comment: false }),
  token(stream, state) {
    if (state.comment) {
      if (stream.skipTo('*/')) {
        stream.match('*/');
        state.comment = false;
      } else stream.skipToEnd();
      return 'comment';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('/*')) {
      state.comment = true;
      return 'comment';
    }
    const ch = stream.peek()!;
    if (ch === '"' || ch === "'") {
      stream.next();
      let escaped = false;
      for (let c = stream.next(); c !== undefined; c = stream.next()) {
        if (c === ch && !escaped) break;
        escaped = !escaped && c === '\\';
      }
      return 'string';
    }
    if (ch === '`') {
      stream.next();
      stream.skipTo('`') ? stream.next() : stream.skipToEnd();
      return 'variableName';
    }
    if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/)) return 'number';
    if (stream.match(/^\$\$?[A-Za-z0-9_]*/)) return 'variableName.special';
    if (stream.match(/^(and|or|in)\b/)) return 'keyword';
    if (stream.match(/^(function|λ)\b/)) return 'keyword';
    if (stream.match(/^(true|false|null)\b/)) return 'atom';
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) return 'propertyName';
    if (stream.match(/^(:=|!=|<=|>=|~>|\.\.|\?:|\?\?|[-+*/%&|=<>!?^.:;,~@#])/)) return 'operator';
    stream.next();
    return null;
  },
};

const makers: Record<CodeLanguage, () => Extension> = {
  yaml: () => yaml(),
  jinja2: () => StreamLanguage.define(jinja2),
  json: () => StreamLanguage.define(json),
  jsonata: () => StreamLanguage.define(jsonataParser),
  python: () => StreamLanguage.define(python),
  text: () => [],
};
// One instance per language: a new one on every render would make CodeMirror re-parse the text.
const made = new Map<CodeLanguage, Extension>();
function languageOf(l: CodeLanguage): Extension {
  if (!made.has(l)) made.set(l, makers[l]());
  return made.get(l)!;
}

/** `${…}` references are the edges of a flow: they stand out in every language. */
const refMarks = new MatchDecorator({ regexp: /\$\{[^}\n]*\}/g, decoration: Decoration.mark({ class: 'cm-weir-ref' }) });
const refHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = refMarks.createDeco(view);
    }
    update(u: ViewUpdate) {
      this.decorations = refMarks.updateDeco(u, this.decorations);
    }
  },
  { decorations: (v) => v.decorations },
);

// Styles live here, not in a stylesheet, so the editor looks the same wherever it is mounted.
const theme = EditorView.theme({
  '&': { border: '1px solid var(--border-strong, #c5ccd8)', borderRadius: '6px', background: 'var(--panel, #fff)', height: '100%' },
  '&.cm-focused': { outline: '2px solid var(--accent, #2f6df6)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'var(--mono, monospace)', fontSize: '12.5px', lineHeight: '1.5', minHeight: 'var(--cm-min-height, 0)' },
  '.cm-content': { padding: '5px 0' },
  '.cm-line': { padding: '0 8px' },
  '.cm-weir-ref': { color: 'var(--run, #7a4de0)', background: 'var(--run-soft, #f0eafd)', borderRadius: '3px' },
  '&.cm-readonly': { background: 'var(--panel-2, #f1f3f6)' },
  '.cm-placeholder': { color: 'var(--muted, #667085)' },
});

/** Marks transactions that carry a value set from outside, so they are not echoed to onChange. */
const external = Annotation.define<boolean>();

/** The smallest replacement turning `a` into `b`, so a change from outside keeps the cursor where it was. */
function diff(a: string, b: string): { from: number; to: number; insert: string } {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return { from: start, to: endA, insert: b.slice(start, endB) };
}

const readOnlyExt = (ro: boolean) => [EditorState.readOnly.of(ro), EditorView.editable.of(!ro), ro ? EditorView.editorAttributes.of({ class: 'cm-readonly' }) : []];

/**
 * A CodeMirror 6 editor as a controlled React input. The view is created once; later values are
 * patched in as minimal changes, so the text can follow undo/redo without losing the cursor.
 */
export function CodeEditorView({ value, onChange, language, readOnly = false, minHeight, ariaLabel, onBlur, placeholder, className }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const handlers = useRef({ onChange, onBlur });
  handlers.current = { onChange, onBlur };
  const parts = useRef({ lang: new Compartment(), ro: new Compartment(), ph: new Compartment() });
  const id = useId();

  useEffect(() => {
    const { lang, ro, ph } = parts.current;
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          minimalSetup,
          EditorView.lineWrapping,
          theme,
          refHighlight,
          lang.of(languageOf(language)),
          ro.of(readOnlyExt(readOnly)),
          ph.of(placeholder ? placeholderExt(placeholder) : []),
          // The labelled wrapper names the editable area for screen readers.
          EditorView.contentAttributes.of({ 'aria-labelledby': id, 'aria-multiline': 'true', role: 'textbox' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((t) => t.annotation(external))) handlers.current.onChange(u.state.doc.toString());
          }),
          EditorView.domEventHandlers({ blur: () => void handlers.current.onBlur?.() }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The view is built once; the effects below keep it in step with later props.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const now = v.state.doc.toString();
    if (now !== value) v.dispatch({ changes: diff(now, value), annotations: external.of(true) });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: parts.current.lang.reconfigure(languageOf(language)) });
  }, [language]);

  useEffect(() => {
    view.current?.dispatch({ effects: parts.current.ro.reconfigure(readOnlyExt(readOnly)) });
  }, [readOnly]);

  useEffect(() => {
    view.current?.dispatch({ effects: parts.current.ph.reconfigure(placeholder ? placeholderExt(placeholder) : []) });
  }, [placeholder]);

  return (
    <div
      ref={host}
      id={id}
      className={className ? `code-editor ${className}` : 'code-editor'}
      aria-label={ariaLabel}
      style={minHeight ? ({ '--cm-min-height': minHeight } as CSSProperties) : undefined}
    />
  );
}
