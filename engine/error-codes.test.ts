import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { flow } from '../test/helpers/flows.ts';
import { testRegistry } from '../test/helpers/test-nodes.ts';
import { ERROR_CODES, isErrorCode, isProblemCode, PROBLEM_CODES, toErrorCode, type ProblemCode } from './error-codes.ts';
import { FlowValidationError, WeirError } from './errors.ts';
import { compileFlow } from './flow/compile.ts';
import { validateFlow } from './flow/validate.ts';
import { defineNode } from './node-definition.ts';

/**
 * tsc checks every code through `ErrorCode`; this scan checks the source itself, so a code slipped
 * past tsc with a cast (`'new_code' as ErrorCode`) still fails here, and so does a catalog entry
 * nothing raises any more. Scanned: engine/ and nodes/ without test code (*.test.ts and files that
 * import vitest, such as the store and bus contract suites).
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CATALOG_FILE = 'engine/error-codes.ts';

/** `code:` values in the source that are not Weir's: each says whose it is. */
const NOT_OURS: Record<string, string> = {
  custom: "zod's issue code, in ctx.addIssue",
  ENOTFOUND: "Node's DNS errno, handed to a lookup callback",
};

interface Use {
  code: string;
  where: string;
  how: string;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') sourceFiles(rel, out);
    } else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const parsed = sourceFiles('engine')
  .concat(sourceFiles('nodes'))
  .map((f) => ({ file: f, src: ts.createSourceFile(f, readFileSync(path.join(ROOT, f), 'utf8'), ts.ScriptTarget.Latest, true) }))
  .filter(({ src }) => !src.statements.some((s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === 'vitest'));

const CODE_TYPE = /\b(ErrorCode|ProblemCode)\b/;
/** A parameter typed as a code, or a string one named like a code (`code`, `errorCode`). */
const isCodeParam = (p: ts.ParameterDeclaration) =>
  p.type !== undefined && CODE_TYPE.test(p.type.getText()) ? true : ts.isIdentifier(p.name) && /^(code|\w+Code)$/.test(p.name.text) && (!p.type || /\bstring\b/.test(p.type.getText()));

type Fn = ts.FunctionDeclaration | ts.MethodDeclaration | ts.ArrowFunction | ts.FunctionExpression;
const fnName = (fn: Fn): string | undefined => {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  if (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return undefined;
};

/** Which argument positions of which functions take a code: from their declared parameters. */
function codeParameters(): Map<string, number[]> {
  const sinks = new Map<string, number[]>([['WeirError', [0]]]);
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) {
      const name = fnName(n);
      const at = n.parameters.flatMap((p, i) => (isCodeParam(p) ? [i] : []));
      if (name && at.length) sinks.set(name, at);
    }
    ts.forEachChild(n, visit);
  };
  for (const { src } of parsed) visit(src);
  return sinks;
}

/** Classes that are WeirErrors: their `super(code, …)` passes a code. */
function errorClasses(): Set<string> {
  const classes = new Set(['WeirError']);
  const heritage: [string, string][] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isClassDeclaration(n) && n.name) {
      const base = n.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
      if (base && ts.isIdentifier(base)) heritage.push([n.name.text, base.text]);
    }
    ts.forEachChild(n, visit);
  };
  for (const { src } of parsed) visit(src);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [cls, base] of heritage) if (classes.has(base) && !classes.has(cls)) grew = !!classes.add(cls);
  }
  return classes;
}

function collectUses(): Use[] {
  const sinks = codeParameters();
  const classes = errorClasses();
  const uses: Use[] = [];
  for (const { file, src } of parsed) {
    const local = new Map<string, number[]>();
    const where = (n: ts.Node) => `${file}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    // `byName`: the place is a code only by its name (`const code = …`), so text that cannot be a
    // code (`' [D1012]'`, a template) is some other string that happens to be called code.
    const literals = (e: ts.Expression | undefined, how: string, byName = false): void => {
      if (!e) return;
      if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
        if (!byName || /^\w+$/.test(e.text)) uses.push({ code: e.text, where: where(e), how });
      } else if (ts.isTemplateExpression(e)) {
        if (!byName) uses.push({ code: e.getText(), where: where(e), how: `${how} (a computed code)` });
      } else if (ts.isConditionalExpression(e)) (literals(e.whenTrue, how, byName), literals(e.whenFalse, how, byName));
      else if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind)) (literals(e.left, how, byName), literals(e.right, how, byName));
      else if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e) || ts.isNonNullExpression(e)) literals(e.expression, how, byName);
    };
    const visit = (n: ts.Node): void => {
      // `const push = pushAt.bind(null, a, b)`: push takes the code two places earlier.
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && ts.isCallExpression(n.initializer)) {
        const callee = n.initializer.expression;
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'bind' && ts.isIdentifier(callee.expression)) {
          const at = sinks.get(callee.expression.text);
          const shift = n.initializer.arguments.length - 1;
          if (at) local.set(n.name.text, at.map((i) => i - shift).filter((i) => i >= 0));
        }
      }
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'WeirError') literals(n.arguments?.[0], 'new WeirError');
      if (ts.isCallExpression(n)) {
        const callee = n.expression;
        if (callee.kind === ts.SyntaxKind.SuperKeyword) {
          const cls = ts.findAncestor(n, ts.isClassDeclaration);
          const base = cls?.heritageClauses?.[0]?.types[0]?.expression;
          if (base && ts.isIdentifier(base) && classes.has(base.text)) literals(n.arguments[0], `super() of ${cls?.name?.text}`);
        }
        const name = ts.isIdentifier(callee) ? callee.text : undefined;
        const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
        // Bare calls of a function (or a bound local) that takes a code; `.name(…)` only for methods
        // declared with one (an Array's push is nobody's sink).
        const at = name !== undefined ? (local.get(name) ?? sinks.get(name)) : method !== undefined && methods.has(method) ? sinks.get(method) : undefined;
        for (const i of at ?? []) literals(n.arguments[i], `argument ${i + 1} of ${name ?? method}()`);
      }
      // `{ code: 'x' }` (problems, failures as data), `code = 'x'`, `const code = …`, a parameter default.
      if (ts.isPropertyAssignment(n) && (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name)) && n.name.text === 'code') literals(n.initializer, 'code:');
      if ((ts.isVariableDeclaration(n) || ts.isParameter(n)) && ts.isIdentifier(n.name) && /^(code|\w+Code)$/.test(n.name.text)) literals(n.initializer, n.name.text, !(n.type && CODE_TYPE.test(n.type.getText())));
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && /^(code|\w+Code)$/.test(n.left.text)) literals(n.right, `${n.left.text} =`, true);
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return uses;
}

const methods = new Map<string, ts.MethodDeclaration>();
for (const { src } of parsed) {
  const visit = (n: ts.Node): void => {
    if (ts.isMethodDeclaration(n) && ts.isIdentifier(n.name) && n.parameters.some(isCodeParam)) methods.set(n.name.text, n);
    ts.forEachChild(n, visit);
  };
  visit(src);
}

const catalog = Object.entries(ERROR_CODES).flatMap(([area, codes]) => Object.entries(codes).map(([code, when]) => ({ area, code, when: when as string })));
const uses = collectUses();

describe('the error code catalog', () => {
  it('has every code once, named in snake_case, with a one-line description', () => {
    const seen = new Map<string, string>();
    for (const { area, code, when } of catalog) {
      expect(seen.get(code), `"${code}" is in "${seen.get(code)}" and in "${area}"`).toBeUndefined();
      seen.set(code, area);
      expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(when.trim(), code).not.toBe('');
      expect(when, code).not.toContain('\n');
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it('holds every code the source raises, reports or answers with', () => {
    const missing = uses
      .filter((u) => !isErrorCode(u.code) && !(u.how === 'code:' && u.code in NOT_OURS))
      .map((u) => `${u.where}: "${u.code}" (${u.how}) is not in ${CATALOG_FILE}`);
    expect(missing).toEqual([]);
  });

  it('has no entry nothing uses', () => {
    const used = new Set(uses.map((u) => u.code));
    const dead = catalog.filter(({ code }) => !used.has(code)).map(({ area, code }) => `${code} (${area})`);
    expect(dead, 'catalog entries no source raises: remove them (or the scan missed a way codes are passed)').toEqual([]);
  });

  it('finds the codes where they are raised, whichever way they are passed', () => {
    const at = (code: string) => uses.filter((u) => u.code === code).map((u) => u.how);
    expect(at('invalid_input')).toContain('super() of InputError'); // a subclass of WeirError
    expect(at('route_not_found')).toContain('argument 2 of errorBody()'); // a parameter typed ErrorCode
    expect(at('unknown_node_reference')).toContain('argument 1 of push()'); // a bound helper
    expect(at('missing_field')).toContain('code ='); // assigned to a `code` variable
    expect(at('cycle')).toContain('code:'); // a problem as an object
  });

  it('counts problem codes as error codes, and checks codes that come from elsewhere', () => {
    for (const codes of Object.values(PROBLEM_CODES)) for (const code of Object.keys(codes)) expect(isErrorCode(code), code).toBe(true);
    expect(isProblemCode('yaml_syntax')).toBe(true);
    expect(isProblemCode('run_failed')).toBe(false);
    expect(toErrorCode('node_timeout', 'run_failed')).toBe('node_timeout');
    expect(toErrorCode('renamed_long_ago', 'run_failed')).toBe('run_failed');
    expect(toErrorCode(undefined, 'run_failed')).toBe('run_failed');
    expect(isErrorCode('toString')).toBe(false);
  });

  it("maps a node type's codes that are not problem codes to invalid_config, at validation and at prepare", () => {
    // Casts on purpose: a node file may be plain JS, so its codes are checked where the engine reads them.
    const odd = defineNode({
      type: 'odd_codes', title: 'Odd', category: 'test', description: 'answers with codes outside the catalog',
      inputs: {}, output: z.any(), config: z.object({ at: z.enum(['check', 'prepare', 'prepare_known']) }).strict(),
      check: (c) => (c.at === 'check' ? [{ code: 'made_up' as ProblemCode, message: 'odd' }] : []),
      prepare: (c) => {
        if (c.at === 'prepare') throw new WeirError('run_failed', 'not a problem code');
        if (c.at === 'prepare_known') throw new WeirError('template_syntax', 'a problem code');
      },
      run: () => null,
    });
    const env = { registry: testRegistry([odd]) };
    const f = (at: string) => flow([{ name: 'o', type: 'odd_codes', config: { at } }], { out: '${o.output}' });
    expect(validateFlow(f('check'), env).problems.map((p) => p.code)).toEqual(['invalid_config']);
    const codeAt = (at: string) => {
      try {
        compileFlow(f(at), env);
      } catch (err) {
        return (err as FlowValidationError).problems.map((p) => p.code);
      }
    };
    expect(codeAt('prepare')).toEqual(['invalid_config']);
    expect(codeAt('prepare_known')).toEqual(['template_syntax']);
  });
});
