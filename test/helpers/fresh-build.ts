import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Relative imports of a source file (static, dynamic and `export … from`), resolved to files. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => path.resolve(path.dirname(file), s)).filter((f) => existsSync(f) && statSync(f).isFile());
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * Every file the studio build is made from: the editor's own sources, its two pages (the studio and
 * the web app), public files (the embed script) and Vite config, and the files outside editor/ its
 * sources import (the shared flow checks under engine/flow), followed through their own relative
 * imports. A fix to one of those shared files changes the studio too, so it must make the build
 * stale as well.
 */
export function studioSources(root = ROOT): string[] {
  const editor = path.join(root, 'editor');
  const own = [...filesUnder(path.join(editor, 'src')), ...filesUnder(path.join(editor, 'public')), path.join(editor, 'index.html'), path.join(editor, 'app.html'), path.join(editor, 'vite.config.ts')]
    .filter((f) => existsSync(f) && !/\.test\.tsx?$/.test(f));
  const seen = new Set(own);
  const queue = own.filter((f) => /\.tsx?$/.test(f));
  while (queue.length) {
    for (const dep of relativeImports(queue.pop()!)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      if (/\.tsx?$/.test(dep)) queue.push(dep);
    }
  }
  return [...seen];
}

/**
 * Why the built studio under `dist/editor` must not be tested, or null when it is fresh: it is
 * missing, or a file it is built from changed after the build wrote its index.html (Vite empties
 * the folder and writes it anew on every build). Browser tests against an old build would pass or
 * fail for code that is no longer there.
 */
export function staleStudioBuild(root = ROOT): string | null {
  const index = path.join(root, 'dist/editor/index.html');
  if (!existsSync(index)) return 'the studio is not built (no dist/editor/index.html): run `npm run build` before the browser tests (npm test builds it)';
  // A build from before the web app entry existed has the studio but not the app page.
  if (existsSync(path.join(root, 'editor/app.html')) && !existsSync(path.join(root, 'dist/editor/app.html'))) {
    return 'the studio build in dist/editor has no app.html (the web app page): run `npm run build` before the browser tests (npm test builds it)';
  }
  const built = statSync(index).mtimeMs;
  const newer = studioSources(root)
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .filter((s) => s.t > built)
    .sort((a, b) => b.t - a.t);
  if (!newer.length) return null;
  const names = newer.slice(0, 5).map((s) => path.relative(root, s.f)).join(', ');
  const more = newer.length > 5 ? ` and ${newer.length - 5} more` : '';
  return `the studio build in dist/editor is older than its sources (${names}${more} changed after it was built): run \`npm run build\` before the browser tests (npm test builds it)`;
}
