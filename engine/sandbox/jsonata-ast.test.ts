import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { mayBuildRanges, walkAst } from './jsonata-ast.ts';

const ast = (src: string) => jsonata(src).ast();

describe('JSONata expression trees', () => {
  it('finds ranges and $eval anywhere in an expression, and nothing in plain paths', () => {
    expect(mayBuildRanges(ast('[1..10]'))).toBe(true);
    expect(mayBuildRanges(ast('$sum(items.(price * [0..$count(x)]))'))).toBe(true);
    expect(mayBuildRanges(ast('$eval(code)'))).toBe(true);
    expect(mayBuildRanges(ast('items[price > 10].name'))).toBe(false);
    expect(mayBuildRanges(ast('"a..b"'))).toBe(false);
  });

  it('walks a deep tree without recursion and visits each object once', () => {
    const deep = Array.from({ length: 5_000 }, () => 'a').join(' + ');
    let nodes = 0;
    walkAst(ast(deep), () => void nodes++);
    expect(nodes).toBeGreaterThan(5_000);
  });
});
