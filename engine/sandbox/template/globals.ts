import { Environment } from './jinja-lib.ts';
import { bind, splitArgs } from './args.ts';
import { MAX_RANGE, budget } from './budget.ts';
import { toStr } from './py-format.ts';
import {
  EMPTY, FALSE, NONE, TRUE, dict, fn, int, isInt, isBool, list, str,
  type AnyValue,
} from './runtime-values.ts';
import { TemplateBudgetError, renderError } from './template-errors.ts';

/**
 * The names every template starts with: Jinja2's globals (range, dict, cycler, joiner, namespace —
 * the last one the library puts in every scope itself) and Python's constants. Each is a function
 * of the sandbox's own values; none is a JavaScript function handed to the template.
 */

/** Python's range(), refused past MAX_RANGE items as Jinja2's sandbox does. */
const range = fn((raw) => {
  const [args] = splitArgs(raw);
  if (args.length < 1 || args.length > 3) throw renderError(`range expected 1 to 3 arguments, got ${args.length}`);
  for (const a of args) if (!isInt(a) && !isBool(a)) throw renderError(`'${a.type.replace(/Value$/, '').toLowerCase()}' object cannot be interpreted as an integer`);
  const n = args.map((a) => Number(a.value));
  const [start, stop, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? 1];
  if (step === 0) throw renderError('range() arg 3 must not be zero');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > MAX_RANGE) {
    throw new TemplateBudgetError('range', `range() of ${count} items is refused: at most ${MAX_RANGE} (the sandbox's MAX_RANGE)`);
  }
  budget().charge(count);
  const out: AnyValue[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = int(start + i * step);
  return list(out);
});

const dictOf = fn((raw) => {
  const [args, kwargs] = splitArgs(raw);
  if (args.length) throw renderError('dict() takes keyword arguments only here');
  return dict(new Map(kwargs));
});

/** cycler(a, b, …): `.next()`, `.current`, `.reset()`, state kept in the dict it returns. */
const cycler = fn((raw) => {
  const [items] = splitArgs(raw);
  if (items.length === 0) throw renderError('cycler needs at least one item');
  let pos = 0;
  const state = new Map<string, AnyValue>();
  state.set('current', items[0]);
  state.set('next', fn(() => {
    const v = items[pos];
    pos = (pos + 1) % items.length;
    state.set('current', items[pos]);
    return v;
  }));
  state.set('reset', fn(() => {
    pos = 0;
    state.set('current', items[0]);
    return NONE;
  }));
  return dict(state);
});

/** joiner(sep): "" the first time it is called, then sep. */
const joiner = fn((raw) => {
  const [args, kwargs] = splitArgs(raw);
  const [sep] = bind('joiner', args, kwargs, ['sep']);
  const text = sep === undefined ? ', ' : toStr(sep);
  let used = false;
  return fn(() => {
    if (!used) {
      used = true;
      return EMPTY;
    }
    return str(text);
  });
});

/** From Hugging Face chat templates: stop the render with the template's own message. */
const raiseException = fn((raw) => {
  const [args] = splitArgs(raw);
  throw renderError(`the template raised an error: ${args.length ? toStr(args[0]) : 'raise_exception() called'}`);
});

const GLOBALS: [string, AnyValue][] = [
  ['range', range],
  ['dict', dictOf],
  ['cycler', cycler],
  ['joiner', joiner],
  ['raise_exception', raiseException],
  ['true', TRUE], ['false', FALSE], ['none', NONE],
  ['True', TRUE], ['False', FALSE], ['None', NONE],
];

/**
 * The globals' scope, made once and shared by every render: nothing in it can change (top-level
 * `{% set %}` writes to the render's own scope below it; cycler and joiner keep their state in what
 * they return).
 */
export const globalScope: Environment = (() => {
  const env = new Environment();
  for (const [name, v] of GLOBALS) env.setVariable(name, v);
  return env;
})();
