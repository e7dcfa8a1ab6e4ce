import { compare, contains, equals } from './ops.ts';
import {
  isBool, isDict, isFloat, isFunc, isInt, isList, isNone, isNumber, isStr, isUndef, numberOf,
  type AnyValue,
} from './runtime-values.ts';
import { renderError } from './template-errors.ts';

/**
 * Jinja2's tests (`x is odd`, `select("equalto", 3)`), over the interpreter's values. The library's
 * parser reads `is name` only, so tests with an argument are reached through select/reject and
 * selectattr/rejectattr.
 */
type Test = (v: AnyValue, args: AnyValue[]) => boolean;

const arg = (args: AnyValue[], name: string): AnyValue => {
  if (args.length === 0) throw renderError(`the test "${name}" needs an argument`);
  return args[0];
};
const int = (v: AnyValue, name: string): number => {
  if (!isInt(v) && !isBool(v)) throw renderError(`the test "${name}" needs an integer`);
  return Number(v.value);
};
const text = (v: AnyValue) => (isStr(v) ? v.value : undefined);

const eq: Test = (v, a) => equals(v, arg(a, 'eq'));
const ne: Test = (v, a) => !equals(v, arg(a, 'ne'));
const lt: Test = (v, a) => compare(v, arg(a, 'lt'), '<') < 0;
const le: Test = (v, a) => compare(v, arg(a, 'le'), '<=') <= 0;
const gt: Test = (v, a) => compare(v, arg(a, 'gt'), '>') > 0;
const ge: Test = (v, a) => compare(v, arg(a, 'ge'), '>=') >= 0;

export const TESTS = new Map<string, Test>([
  ['defined', (v) => !isUndef(v)],
  ['undefined', (v) => isUndef(v)],
  ['none', (v) => isNone(v)],
  ['boolean', (v) => isBool(v)],
  ['true', (v) => isBool(v) && v.value],
  ['false', (v) => isBool(v) && !v.value],
  ['integer', (v) => isInt(v)],
  ['float', (v) => isFloat(v)],
  ['number', (v) => isNumber(v)],
  ['string', (v) => isStr(v)],
  ['mapping', (v) => isDict(v)],
  ['sequence', (v) => isStr(v) || isList(v) || isDict(v)],
  ['iterable', (v) => isStr(v) || isList(v) || isDict(v)],
  ['callable', (v) => isFunc(v)],
  ['odd', (v) => int(v, 'odd') % 2 !== 0],
  ['even', (v) => int(v, 'even') % 2 === 0],
  ['divisibleby', (v, a) => int(v, 'divisibleby') % int(arg(a, 'divisibleby'), 'divisibleby') === 0],
  ['lower', (v) => text(v) !== undefined && text(v) === text(v)!.toLowerCase()],
  ['upper', (v) => text(v) !== undefined && text(v) === text(v)!.toUpperCase()],
  ['escaped', () => false],
  ['sameas', (v, a) => {
    const o = arg(a, 'sameas');
    return v === o || (isNumber(v) && isNumber(o) && v.type === o.type && numberOf(v) === numberOf(o)) || (isNone(v) && isNone(o));
  }],
  ['in', (v, a) => contains(arg(a, 'in'), v)],
  ['eq', eq], ['equalto', eq], ['==', eq],
  ['ne', ne], ['!=', ne],
  ['lt', lt], ['lessthan', lt], ['<', lt],
  ['le', le], ['<=', le],
  ['gt', gt], ['greaterthan', gt], ['>', gt],
  ['ge', ge], ['>=', ge],
]);

export function runTest(name: string, v: AnyValue, args: AnyValue[]): boolean {
  const t = TESTS.get(name);
  if (!t) throw renderError(`no test named '${name}'`);
  return t(v, args);
}

