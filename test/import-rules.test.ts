import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The arrows of DESIGN.md "Layout": editor → (HTTP) → api → app → engine parts ← nodes. Every
 * import, `export … from`, `import()` and `import('…')` type of the .ts/.tsx sources under engine/,
 * nodes/ and editor/ is read (parsed, not grepped) and checked against the rules below.
 *
 * Test code is exempt: *.test.ts(x), and files that import vitest (the store and bus contract
 * suites). Tests may reach past the layers to set a scene (a real node in an engine test, a store
 * seeded under an API test); they are not part of what runs.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Files of engine/ that may import nodes/: the composition root. The `weir` command (bin/weir.js →
 * engine/cli.ts `main`) builds the one NodeRegistry from `builtinNodes` and hands it to serve, run
 * and validate; everything below it receives the registry. (bench/ and test/ helpers build their
 * own registries, outside engine/.)
 */
const COMPOSITION_ROOTS = new Set(['engine/cli.ts']);

/**
 * The engine modules the editor may import: pure (no I/O, no Node built-ins, no packages), shared
 * with the server so both read references and port types the same way. Each may import only others
 * of this list (type-only imports aside), which the last test checks.
 */
const EDITOR_MAY_IMPORT = new Set([
  'engine/flow/references.ts', // parsing and formatting ${…} references
  'engine/flow/port-types.ts', // port type tags and what connects to what
  'engine/error-codes.ts', // the error code catalog (data only)
  'engine/flow/chat-shape.ts', // which inputs and output make a flow a chat (web app, chat panel)
  'engine/sandbox/python/signature-types.ts', // a Python tool's signature and its ports' schemas (data only)
]);

interface Import {
  from: string;
  to: string;
  spec: string;
  line: number;
  typeOnly: boolean;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist' && !e.name.startsWith('.')) sourceFiles(rel, out);
    } else if (/\.(ts|tsx|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const isTypeOnlyImport = (n: ts.ImportDeclaration): boolean => {
  const c = n.importClause;
  if (!c) return false; // `import './x.ts'` runs the module
  if (c.isTypeOnly) return true;
  const named = c.namedBindings;
  return !c.name && !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
};

const isExportTypeOnly = (n: ts.ExportDeclaration): boolean =>
  n.isTypeOnly || (!!n.exportClause && ts.isNamedExports(n.exportClause) && n.exportClause.elements.length > 0 && n.exportClause.elements.every((e) => e.isTypeOnly));

/** Relative imports of one file, resolved to repository paths; packages and built-ins are left out. */
function importsOf(file: string, src: ts.SourceFile): Import[] {
  const out: Import[] = [];
  const add = (n: ts.Node, spec: string, typeOnly: boolean) => {
    if (!spec.startsWith('.')) return;
    const to = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec)).split(path.sep).join('/');
    out.push({ from: file, to, spec, line: src.getLineAndCharacterOfPosition(n.getStart()).line + 1, typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) add(n, n.moduleSpecifier.text, isTypeOnlyImport(n));
    else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) add(n, n.moduleSpecifier.text, isExportTypeOnly(n));
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) add(n, n.moduleReference.expression.text, n.isTypeOnly);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) add(n, n.arguments[0].text, false);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) add(n, n.argument.literal.text, true);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

const parsed = ['engine', 'nodes', 'editor', 'importers'].flatMap((d) => sourceFiles(d)).map((file) => {
  const src = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const test = /\.test\.tsx?$/.test(file) || src.statements.some((s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === 'vitest');
  return { file, test, src, imports: importsOf(file, src) };
});
const imports = parsed.filter((p) => !p.test).flatMap((p) => p.imports);

const under = (dir: string) => (p: string) => p === dir || p.startsWith(`${dir}/`);

interface Rule {
  name: string;
  applies: (i: Import) => boolean;
  allowed: (i: Import) => boolean;
}

const RULES: Rule[] = [
  {
    name: 'engine/ never imports nodes/ (only the composition root builds the registry)',
    applies: (i) => under('engine')(i.from) && under('nodes')(i.to),
    allowed: (i) => COMPOSITION_ROOTS.has(i.from),
  },
  {
    name: "editor/ imports from outside editor/ only the engine's pure shared modules (it talks to the server over HTTP)",
    applies: (i) => under('editor')(i.from) && !under('editor')(i.to),
    allowed: (i) => EDITOR_MAY_IMPORT.has(i.to),
  },
  {
    name: 'engine/api/ reaches state only through the app layer: engine/store/ by `import type` only',
    applies: (i) => under('engine/api')(i.from) && under('engine/store')(i.to),
    allowed: (i) => i.typeOnly,
  },
  {
    name: 'engine/api/ never imports engine/bus/',
    applies: (i) => under('engine/api')(i.from) && under('engine/bus')(i.to),
    allowed: () => false,
  },
  {
    name: 'engine/store/ and engine/bus/ never import engine/app/ or engine/api/',
    applies: (i) => (under('engine/store')(i.from) || under('engine/bus')(i.from)) && (under('engine/app')(i.to) || under('engine/api')(i.to)),
    allowed: () => false,
  },
  {
    // DESIGN.md: importers → engine. An importer turns files into flows; it reaches no state and no node file.
    name: 'importers/ import only the engine (never nodes/, editor/, engine/app/, engine/api/, engine/store/ or engine/cli/)',
    applies: (i) => under('importers')(i.from) && !under('importers')(i.to),
    allowed: (i) => under('engine')(i.to) && !['engine/app', 'engine/api', 'engine/store', 'engine/cli'].some((d) => under(d)(i.to)),
  },
  {
    name: 'engine/ reaches importers/ only from the import command and the app layer that saves imports',
    applies: (i) => under('engine')(i.from) && under('importers')(i.to),
    allowed: (i) => i.from === 'engine/cli/import-command.ts' || i.from.startsWith('engine/app/import-') || i.from.startsWith('engine/api/routes/import-'),
  },
  {
    name: 'nodes/ never imports engine/app/, engine/api/ or engine/store/ (not even types: nodes see the engine through NodeContext)',
    applies: (i) => under('nodes')(i.from) && ['engine/app', 'engine/api', 'engine/store'].some((d) => under(d)(i.to)),
    allowed: () => false,
  },
];

/**
 * `x.store` (or `x['store']`) in a non-test file under engine/api/: a route reaching past the app
 * layer to the store. Importing engine/store/ by value is the import rule above; this catches the
 * Store handed over on the Workspace, which needs no import at all.
 */
function storeAccesses(): string[] {
  const out: string[] = [];
  for (const { file, test, src } of parsed) {
    if (test || !under('engine/api')(file)) continue;
    const visit = (n: ts.Node): void => {
      const named =
        (ts.isPropertyAccessExpression(n) && n.name.text === 'store') ||
        (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression) && n.argumentExpression.text === 'store');
      if (named) out.push(`${file}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1} reads \`${n.getText()}\`: engine/api/ reaches state only through the app layer (engine/app/)`);
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return out;
}

function violations(rule: Rule): string[] {
  return imports
    .filter((i) => rule.applies(i) && !rule.allowed(i))
    .map((i) => `${i.from}:${i.line} ${i.typeOnly ? 'imports type' : 'imports'} '${i.spec}' (${i.to}): breaks "${rule.name}"`);
}

describe('import rules (DESIGN.md "Layout")', () => {
  it('reads the imports of the whole tree', () => {
    expect(parsed.length).toBeGreaterThan(300);
    expect(imports.some((i) => i.from === 'engine/cli.ts' && i.to === 'nodes/index.ts')).toBe(true);
    expect(imports.some((i) => i.from.startsWith('editor/') && i.to === 'engine/flow/references.ts')).toBe(true);
  });

  for (const rule of RULES) {
    it(rule.name, () => {
      expect(violations(rule)).toEqual([]);
    });
  }

  it('engine/api/ never reads `.store`: routes call the app layer, not the store behind it', () => {
    expect(storeAccesses()).toEqual([]);
  });

  it("keeps the editor's engine modules pure: they import only each other", () => {
    const impure = imports
      .filter((i) => EDITOR_MAY_IMPORT.has(i.from) && !i.typeOnly && !EDITOR_MAY_IMPORT.has(i.to))
      .map((i) => `${i.from}:${i.line} imports '${i.spec}': a module the editor imports may import only ${[...EDITOR_MAY_IMPORT].join(', ')}`);
    // Packages and Node built-ins are not resolved above; read them here.
    for (const file of EDITOR_MAY_IMPORT) {
      const src = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
      for (const s of src.statements) {
        if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && !s.moduleSpecifier.text.startsWith('.') && !isTypeOnlyImport(s)) {
          impure.push(`${file} imports the package '${s.moduleSpecifier.text}': a module the editor imports must be pure`);
        }
      }
    }
    expect(impure).toEqual([]);
  });

  it('lists composition roots and allowed modules that exist', () => {
    const exists = new Set(parsed.map((p) => p.file));
    for (const f of [...COMPOSITION_ROOTS, ...EDITOR_MAY_IMPORT]) expect(exists.has(f), f).toBe(true);
  });
});
