import type { Environment } from './jinja-lib.ts';
import { pyTypeName } from './ops.ts';
import { bool, dict, hinted, int, isList, type AnyValue, type Node } from './runtime-values.ts';
import { renderError } from './template-errors.ts';

/** What a `for` loop needs beyond the interpreter: control flow, unpacking, the `loop` object. */

/** Thrown by `{% break %}` / `{% continue %}`: plain objects, so no stack trace is captured per use. */
export const BREAK = Object.freeze({ control: 'break' });
export const CONTINUE = Object.freeze({ control: 'continue' });

export function binder(loopvar: Node): (scope: Environment, item: AnyValue) => void {
  if (loopvar.type === 'Identifier') {
    const name = loopvar.value as string;
    return (scope, item) => void scope.setVariable(name, item);
  }
  const names = (loopvar.value as Node[]).map((n) => {
    if (n.type !== 'Identifier') throw renderError('a loop variable must be a name');
    return n.value as string;
  });
  return (scope, item) => {
    if (!isList(item)) throw renderError(`cannot unpack non-iterable ${pyTypeName(item)} object`);
    if (item.value.length !== names.length) {
      throw renderError(item.value.length > names.length ? `too many values to unpack (expected ${names.length})` : `not enough values to unpack (expected ${names.length}, got ${item.value.length})`);
    }
    names.forEach((name, i) => scope.setVariable(name, item.value[i]));
  };
}

export function loopObject(items: AnyValue[], i: number): AnyValue {
  const n = items.length;
  return dict(new Map<string, AnyValue>([
    ['index', int(i + 1)], ['index0', int(i)], ['revindex', int(n - i)], ['revindex0', int(n - i - 1)],
    ['first', bool(i === 0)], ['last', bool(i === n - 1)], ['length', int(n)],
    ['previtem', i > 0 ? items[i - 1] : hinted("'loop.previtem' is undefined on the first item")],
    ['nextitem', i < n - 1 ? items[i + 1] : hinted("'loop.nextitem' is undefined on the last item")],
  ]));
}

