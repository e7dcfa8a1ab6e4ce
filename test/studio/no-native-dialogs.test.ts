import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The studio asks with its own dialogs (components/confirm-dialog.tsx): the browser's confirm(),
 * alert() and prompt() block the page, cannot be styled or read well by screen readers, and some
 * embedding contexts suppress them, so none may come back.
 */
const SRC = path.resolve(import.meta.dirname, '../../editor/src');
const NATIVE = /(?:\bwindow\.|(?<![\w.$]))(confirm|alert|prompt)\s*\(/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

/** The code of a line, without a trailing `//` comment or a line inside a block comment. */
const code = (line: string) => (/^\s*(\*|\/\*|\/\/)/.test(line) ? '' : line.replace(/\s\/\/.*$/, ''));

function nativeDialogCalls(text: string): { line: number; text: string }[] {
  return text.split('\n').flatMap((l, i) => (NATIVE.test(code(l)) ? [{ line: i + 1, text: l.trim() }] : []));
}

describe('no native browser dialogs in the studio', () => {
  it('finds them where they are, and not in look-alikes', () => {
    expect(nativeDialogCalls('if (!window.confirm(`Delete?`)) return;')).toHaveLength(1);
    expect(nativeDialogCalls('  alert("saved");')).toHaveLength(1);
    expect(nativeDialogCalls('const x = prompt ("name");')).toHaveLength(1);
    expect(nativeDialogCalls('window.alert(x)')).toHaveLength(1);
    expect(nativeDialogCalls('api.prompt(x); buildPrompt(y); setConfirm(true); onConfirm()')).toEqual([]);
    expect(nativeDialogCalls('// never window.confirm() here\n * no alert() either')).toEqual([]);
  });

  it('editor/src calls none of window.confirm, alert() or prompt()', () => {
    const found = sources(SRC).flatMap((file) =>
      nativeDialogCalls(readFileSync(file, 'utf8')).map((h) => `${path.relative(SRC, file)}:${h.line}: ${h.text}`));
    expect(found, 'use ConfirmDialog from components/confirm-dialog.tsx instead').toEqual([]);
  });
});
