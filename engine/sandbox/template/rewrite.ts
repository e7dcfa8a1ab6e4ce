import { ProgramNode, float, int, str, syntheticNode, type Node, type Program } from './runtime-values.ts';
import { TemplateSyntaxError } from './template-errors.ts';

/**
 * One pass over the parsed template, at compile time, so that rendering needs no second look:
 * - every expression printed in a block becomes an `Output` node, printed the way Jinja2 prints
 *   (the library would print a function's JavaScript source, and lists as JSON);
 * - a `for` loop becomes a `Loop` node that the sandbox runs itself: the library's loop made a scope,
 *   two closures and the `loop` object per item (~3 µs, measured) and charged nothing for an empty
 *   body; its iterable becomes an `Iterate` node that charges the budget per item;
 * - `macro` and `call` blocks carry their size as a `weight`: the library walks a macro's whole body
 *   each time the definition is evaluated, so that work is charged too;
 * - `*args` / `**kwargs` spreads become `Charge` nodes, for the same reason;
 * - `{% filter %}` blocks become `FilterBlock` nodes, so they use this sandbox's filters;
 * - literals carry their value, made once (values are immutable), instead of one per evaluation;
 * - unknown filters and tests are errors now, as Jinja2 makes them at compile time;
 * - nesting deeper than MAX_AST_DEPTH is refused, so a render cannot overflow the stack.
 */

/**
 * Deepest AST a template may have. The library's evaluator recurses several JavaScript frames per
 * level; on Node 20's default main-thread stack a render overflowed between 1 200 and 1 600 nested
 * evaluations (measured with recursive macros), so the interpreter stops at twice this (800) and
 * a template's own nesting stays at half of that.
 */
export const MAX_AST_DEPTH = 400;

const STATEMENTS = new Set(['Set', 'If', 'Loop', 'Macro', 'Break', 'Continue', 'Comment', 'StringLiteral']);
const BLOCK_FIELDS: Record<string, string[]> = {
  Program: ['body'],
  If: ['body', 'alternate'],
  For: ['body', 'defaultBlock'],
  Set: ['body'],
  Macro: ['body'],
  CallStatement: ['body'],
  FilterStatement: ['body'],
};

export interface RewriteContext {
  filters: ReadonlySet<string>;
  tests: ReadonlySet<string>;
  /** Where a filter or test of this name is used, for the error. */
  locate(kind: 'filter' | 'test', name: string): { line?: number; col?: number; file?: string };
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';

function filterName(filter: Node): string {
  if (filter.type === 'Identifier') return filter.value as string;
  const callee = filter.callee as Node;
  if (filter.type === 'CallExpression' && callee.type === 'Identifier') return callee.value as string;
  throw new TemplateSyntaxError('a filter must be a name, optionally with arguments');
}

/** Whether `loop` is read anywhere below: the loop object is made per item only then. */
function readsLoop(nodes: unknown): boolean {
  const stack: unknown[] = [nodes];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (isNode(v)) {
      if (v.type === 'Identifier' && v.value === 'loop') return true;
      for (const x of Object.values(v)) stack.push(x);
    }
  }
  return false;
}

export function rewrite(program: Program, ctx: RewriteContext): void {
  let visited = 0;
  const checkFilter = (filter: Node) => {
    const name = filterName(filter);
    if (!ctx.filters.has(name)) throw new TemplateSyntaxError(`no filter named '${name}'`, ctx.locate('filter', name));
  };

  const walk = (node: Node, depth: number): Node => {
    if (depth > MAX_AST_DEPTH) throw new TemplateSyntaxError(`the template nests more than ${MAX_AST_DEPTH} levels deep`);
    const before = visited++;
    const blocks = BLOCK_FIELDS[node.type] ?? [];
    for (const [key, value] of Object.entries(node)) {
      if (blocks.includes(key)) {
        node[key] = (value as Node[]).map((child) => {
          const done = walk(child, depth + 1);
          return STATEMENTS.has(done.type) ? done : syntheticNode('Output', { expr: done });
        });
      } else if (Array.isArray(value)) {
        node[key] = value.map((v) => (isNode(v) ? walk(v, depth + 1) : v));
      } else if (value instanceof Map) {
        node[key] = new Map([...value].map(([k, v]) => [isNode(k) ? walk(k, depth + 1) : k, isNode(v) ? walk(v, depth + 1) : v]));
      } else if (isNode(value)) {
        node[key] = walk(value, depth + 1);
      }
    }
    switch (node.type) {
      case 'FilterExpression':
        checkFilter(node.filter as Node);
        return node;
      case 'FilterStatement':
        checkFilter(node.filter as Node);
        return syntheticNode('FilterBlock', { filter: node.filter, body: new ProgramNode(node.body as Node[]) });
      case 'TestExpression': {
        const name = (node.test as Node).value as string;
        if (!ctx.tests.has(name)) throw new TemplateSyntaxError(`no test named '${name}'`, ctx.locate('test', name));
        return node;
      }
      case 'For': {
        const iterable = node.iterable as Node;
        const select = iterable.type === 'SelectExpression';
        return syntheticNode('Loop', {
          loopvar: node.loopvar,
          iterable: syntheticNode('Iterate', { expr: select ? iterable.lhs : iterable }),
          test: select ? iterable.test : undefined,
          body: new ProgramNode(node.body as Node[]),
          orelse: new ProgramNode(node.defaultBlock as Node[]),
          readsLoop: readsLoop(node.body),
        });
      }
      case 'Macro':
      case 'CallStatement':
        node.weight = visited - before;
        return node;
      case 'StringLiteral':
        node.constant = str(node.value as string);
        return node;
      case 'IntegerLiteral':
        node.constant = int(node.value as number);
        return node;
      case 'FloatLiteral':
        node.constant = float(node.value as number);
        return node;
      case 'SpreadExpression':
      case 'KeywordSpreadExpression':
        node.argument = syntheticNode('Charge', { expr: node.argument });
        return node;
      default:
        return node;
    }
  };
  walk(program as Node, 0);
}
