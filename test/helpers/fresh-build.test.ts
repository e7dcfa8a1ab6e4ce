import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staleStudioBuild, studioSources } from './fresh-build.ts';

// A small repository on disk: the editor imports a shared engine file, which imports another.
let root: string;
const write = (rel: string, text = '') => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
};
const at = (rel: string, seconds: number) => utimesSync(path.join(root, rel), seconds, seconds);

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'weir-fresh-build-'));
  write('editor/index.html', '<div id="root"></div>');
  write('editor/vite.config.ts', 'export default {};');
  write('editor/src/main.tsx', "import { a } from './flow/refs.ts';\nconsole.log(a);");
  write('editor/src/flow/refs.ts', "export { formatRef as a } from '../../../engine/flow/references.ts';");
  write('editor/src/flow/refs.test.ts', '');
  write('engine/flow/references.ts', "import type { T } from './schema.ts';\nexport const formatRef = (t?: T) => t;");
  write('engine/flow/schema.ts', 'export type T = 1;');
  write('engine/run/executor.ts', '');
  write('dist/editor/index.html', 'built');
  for (const f of ['editor/index.html', 'editor/vite.config.ts', 'editor/src/main.tsx', 'editor/src/flow/refs.ts', 'editor/src/flow/refs.test.ts', 'engine/flow/references.ts', 'engine/flow/schema.ts', 'engine/run/executor.ts']) at(f, 1_000);
  at('dist/editor/index.html', 2_000);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the browser tests refuse a stale studio build', () => {
  it('finds what the build is made from: editor files and the engine files they import, through their imports', () => {
    const rel = studioSources(root).map((f) => path.relative(root, f)).sort();
    expect(rel).toEqual(['editor/index.html', 'editor/src/flow/refs.ts', 'editor/src/main.tsx', 'editor/vite.config.ts', 'engine/flow/references.ts', 'engine/flow/schema.ts']);
  });

  it('accepts a build newer than every source', () => {
    expect(staleStudioBuild(root)).toBeNull();
  });

  it.each(['editor/src/flow/refs.ts', 'editor/index.html', 'engine/flow/references.ts', 'engine/flow/schema.ts'])('refuses the build when %s changed after it, naming the file and the fix', (file) => {
    at(file, 3_000);
    const why = staleStudioBuild(root);
    expect(why).toContain(file);
    expect(why).toContain('run `npm run build`');
  });

  it('ignores files the build is not made from: editor unit tests and engine files the studio does not import', () => {
    at('editor/src/flow/refs.test.ts', 3_000);
    at('engine/run/executor.ts', 3_000);
    expect(staleStudioBuild(root)).toBeNull();
  });

  it('refuses a build from before the web app page when the sources have one, and watches that page', () => {
    write('editor/app.html', '<div id="root"></div>');
    at('editor/app.html', 1_000);
    expect(staleStudioBuild(root)).toMatch(/no app\.html .*npm run build/);
    write('dist/editor/app.html', 'built');
    expect(staleStudioBuild(root)).toBeNull();
    at('editor/app.html', 3_000);
    expect(staleStudioBuild(root)).toContain('editor/app.html');
  });

  it('says the studio is not built when dist/editor has no index.html', () => {
    rmSync(path.join(root, 'dist'), { recursive: true });
    expect(staleStudioBuild(root)).toMatch(/^the studio is not built .*npm run build/);
  });
});
