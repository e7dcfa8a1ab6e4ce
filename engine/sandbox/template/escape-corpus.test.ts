import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WeirError } from '../../errors.ts';
import { FILTER_NAMES } from './filters.ts';
import { compileTemplate } from './index.ts';

/**
 * The escape corpus: everything a template can name — every global and filter, literals of every
 * type, input values, the loop, cycler, joiner and namespace objects, macros and caller — followed
 * through the ways out of a JavaScript template engine (constructor / __proto__ / prototype chains,
 * attr(), map(attribute=…), format fields, methods). Each case either renders data only (its exact
 * output is given) or is refused with a clear error. Whatever happens, nothing rendered or reported
 * may show a secret only the host can read, a function's source, `[native code]` or a host object.
 */
const CANARY = `canary-${Math.random().toString(36).slice(2)}`;
const reach = `"return globalThis.weirCanary"`;

beforeAll(() => {
  (globalThis as Record<string, unknown>).weirCanary = CANARY;
});
afterAll(() => {
  delete (globalThis as Record<string, unknown>).weirCanary;
});

type Outcome = { out: string } | { code: string; message?: RegExp };
type Case = [name: string, template: string, expected: Outcome, vars?: Record<string, unknown>];

const unsafe = (name: string): Outcome => ({ code: 'template_unsafe', message: new RegExp(`"${name.replace(/[$]/g, '\\$')}" is refused`) });
const render = (message?: RegExp): Outcome => ({ code: 'template_render', message });

/** Leaks that must never show, in output or error. */
const LEAKS = [/\[native code\]/, /function\s*[\w$]*\s*\(/, /=>/, /\[object /, /\bclass\s+\w/, new RegExp(`${process.pid}`)];

function run(template: string, vars: Record<string, unknown> = {}): { out?: string; err?: WeirError } {
  try {
    return { out: compileTemplate(template).render(vars) };
  } catch (err) {
    expect(err, `not a WeirError: ${String(err)}`).toBeInstanceOf(WeirError);
    return { err: err as WeirError };
  }
}

function check([name, template, expected, vars]: Case): void {
  const { out, err } = run(template, vars);
  const shown = out ?? err!.message;
  expect(shown).not.toContain(CANARY);
  for (const leak of LEAKS) expect(shown, `${name} shows ${String(leak)}`).not.toMatch(leak);
  if ('out' in expected) {
    expect(err?.message, name).toBeUndefined();
    expect(out, name).toBe(expected.out);
  } else {
    expect(out, `${name} rendered instead of being refused`).toBeUndefined();
    expect(err!.code, `${name}: ${err!.message}`).toBe(expected.code);
    if (expected.message) expect(err!.message).toMatch(expected.message);
  }
}

const GLOBALS = ['range', 'dict', 'cycler', 'joiner', 'namespace', 'raise_exception'];
const globalCases: Case[] = GLOBALS.flatMap((g): Case[] => [
  [`${g} prints as data`, `{{ ${g} }}`, { out: '<function>' }],
  [`${g}.constructor`, `{{ ${g}.constructor(${reach})() }}`, unsafe('constructor')],
  [`${g}["constructor"]`, `{{ ${g}["constructor"] }}`, unsafe('constructor')],
  [`${g}.__proto__`, `{{ ${g}.__proto__ }}`, unsafe('__proto__')],
  [`${g}.prototype`, `{{ ${g}.prototype }}`, unsafe('prototype')],
  [`${g}|attr("constructor")`, `{{ ${g} | attr("constructor") }}`, unsafe('constructor')],
  [`${g}.call/apply/bind are nothing`, `{{ ${g}.call }}{{ ${g}.apply }}{{ ${g}.bind }}{{ ${g}.toString }}{{ ${g}.name }}{{ ${g}.length }}{{ ${g}.caller }}{{ ${g}.arguments }}|`, { out: '|' }],
  [`${g}.call()`, `{{ ${g}.call(none, ${reach}) }}`, render(/'function object' has no attribute 'call'/)],
  [`${g} as a string`, `{{ ${g} ~ "" }}{{ ${g} | string }}{{ [${g}] }}{{ ${g} | pprint }}`, { out: '<function><function>[<function>]<function>' }],
  [`${g} to JSON`, `{{ ${g} | tojson }}`, render(/not JSON serializable/)],
]);

const hostNames = ['process', 'globalThis', 'global', 'require', 'module', 'exports', 'fetch', 'Function', 'eval', 'this', 'self', 'window', 'constructor', '__proto__', 'import', 'Buffer', 'setTimeout', 'lipsum', 'config', 'request', 'environment', '__builtins__'];
const hostCases: Case[] = hostNames.flatMap((n): Case[] => [
  [`${n} is undefined`, `{{ ${n} }}|{{ ${n} is defined }}`, { out: '|False' }],
  [`${n}() cannot be called`, `{{ ${n}(${reach}) }}`, render(new RegExp(`'${n}' is undefined`))],
]);

const LITERALS: [string, string][] = [
  ['string', '"text"'], ['int', '42'], ['float', '1.5'], ['list', '[1, 2]'], ['dict', '{"k": "v"}'],
  ['tuple', '(1, 2)'], ['bool', 'true'], ['none', 'none'], ['empty string', "''"],
];
const literalCases: Case[] = LITERALS.flatMap(([kind, lit]): Case[] => [
  [`${kind}.constructor`, `{{ (${lit}).constructor.constructor(${reach})() }}`, unsafe('constructor')],
  [`${kind}.__proto__`, `{{ (${lit}).__proto__ }}`, unsafe('__proto__')],
  [`${kind}["__proto__"]`, `{{ (${lit})["__proto__"] }}`, unsafe('__proto__')],
  [`${kind}.prototype`, `{{ (${lit}).prototype }}`, unsafe('prototype')],
  [`${kind}._private`, `{{ (${lit})._private }}`, unsafe('_private')],
  [`${kind}.valueOf / toString / hasOwnProperty / isPrototypeOf are nothing`, `{{ (${lit}).valueOf }}{{ (${lit}).toString }}{{ (${lit}).hasOwnProperty }}{{ (${lit}).isPrototypeOf }}|`, { out: '|' }],
  [`${kind}.__lookupGetter__`, `{{ (${lit}).__lookupGetter__ }}`, unsafe('__lookupGetter__')],
  [`${kind}.toString()`, `{{ (${lit}).toString() }}`, render(/has no attribute 'toString'|'None' has no attribute/)],
]);

const inputs = {
  s: 'text',
  n: 7,
  a: [1, 'two', { three: 3 }],
  o: { k: 'v', nested: { deeper: ['x'] } },
  data: JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "Ferrari", "_id": 1}') as unknown,
};
const inputCases: Case[] = [
  ...Object.keys(inputs).flatMap((k): Case[] => [
    [`input ${k}.constructor`, `{{ ${k}.constructor.constructor(${reach})() }}`, unsafe('constructor')],
    [`input ${k}.__proto__`, `{{ ${k}.__proto__.polluted }}`, unsafe('__proto__')],
    [`input ${k}|attr("__proto__")`, `{{ ${k} | attr("__proto__") }}`, unsafe('__proto__')],
  ]),
  ['nested input chain', '{{ o.nested.deeper.constructor }}', unsafe('constructor')],
  ['list item chain', '{{ a[2].three.constructor }}', unsafe('constructor')],
  ['a JSON "__proto__" key is data, read with an item only if it is not a dunder', '{{ data["_id"] }} {{ data.polluted }}|', { out: '1 |' }],
  ['a JSON "__proto__" key cannot be read', '{{ data["__proto__"] }}', unsafe('__proto__')],
  ['a data key named constructor is refused too', '{{ data["constructor"] }}', unsafe('constructor')],
  ['inputs print as data', '{{ s }} {{ n }} {{ a }} {{ o }}', { out: "text 7 [1, 'two', {'three': 3}] {'k': 'v', 'nested': {'deeper': ['x']}}" }],
  ['a function input is refused', '{{ f }}', { code: 'template_unsafe', message: /"f" is a function/ }, { f: () => CANARY }],
  ['a nested function input is refused', '{{ o }}', { code: 'template_unsafe', message: /"o.cb" is a function/ }, { o: { cb: () => CANARY } }],
  ['a symbol input is refused', '{{ y }}', { code: 'template_unsafe' }, { y: Symbol('x') }],
  ['inherited properties are invisible', '{{ o.secret }}|{{ o.own }}', { out: '|1' }, { o: Object.assign(Object.create({ secret: CANARY }), { own: 1 }) }],
  ['a class instance shows its own data only', '{{ o }}', { out: "{'x': 1}" }, { o: new (class { x = 1; get secret() { return CANARY; } method() { return CANARY; } })() }],
  ['a cyclic input is refused', '{{ o }}', render(/refers to itself/), { o: (() => { const c: Record<string, unknown> = {}; c.self = c; return c; })() }],
];

const attrPathCases: Case[] = [
  ['attr()', '{{ o | attr("constructor") }}', unsafe('constructor')],
  ['attr() chain', '{{ (o | attr("__proto__")) | attr("constructor") }}', unsafe('__proto__')],
  ['map(attribute=constructor)', '{{ a | map(attribute="constructor") | list }}', unsafe('constructor')],
  ['map(attribute=a.__proto__)', '{{ [o] | map(attribute="k.__proto__") | list }}', unsafe('__proto__')],
  ['map("constructor") is no filter', '{{ a | map("constructor") | list }}', render(/no filter named 'constructor'/)],
  ['selectattr', '{{ [o] | selectattr("constructor") | list }}', unsafe('constructor')],
  ['rejectattr', '{{ [o] | rejectattr("_x") | list }}', unsafe('_x')],
  ['sort(attribute)', '{{ [o] | sort(attribute="__proto__") }}', unsafe('__proto__')],
  ['groupby', '{{ [o] | groupby("constructor") }}', unsafe('constructor')],
  ['sum(attribute)', '{{ [o] | sum(attribute="prototype") }}', unsafe('prototype')],
  ['join(attribute)', '{{ [o] | join(attribute="constructor") }}', unsafe('constructor')],
  ['unique / min / max (attribute)', '{{ [o] | unique(attribute="_k") | list }}', unsafe('_k')],
  ['min(attribute)', '{{ [o] | min(attribute="constructor") }}', unsafe('constructor')],
  ['select with a test named constructor', '{{ a | select("constructor") | list }}', render(/no test named 'constructor'/)],
];

const objectCases: Case[] = [
  ['loop.constructor', '{% for x in [1] %}{{ loop.constructor }}{% endfor %}', unsafe('constructor')],
  ['loop.cycle.constructor', '{% for x in [1] %}{{ loop.cycle.constructor }}{% endfor %}', unsafe('constructor')],
  ['loop.index.__proto__', '{% for x in [1] %}{{ loop.index.__proto__ }}{% endfor %}', unsafe('__proto__')],
  ['loop prints as data', '{% for x in [1] %}{{ loop.index }}{{ loop.last }}{% endfor %}', { out: '1True' }],
  ['cycler object', '{% set c = cycler(1) %}{{ c.next.constructor }}', unsafe('constructor')],
  ['cycler prints without source', '{% set c = cycler(1) %}{{ c }}', { out: "{'current': 1, 'next': <function>, 'reset': <function>}" }],
  ['joiner object', '{% set j = joiner() %}{{ j.__proto__ }}', unsafe('__proto__')],
  ['namespace read', '{% set ns = namespace(a=1) %}{{ ns.constructor }}', unsafe('constructor')],
  ['namespace write of __proto__', '{% set ns = namespace() %}{% set ns.__proto__ = 1 %}', unsafe('__proto__')],
  ['namespace write of constructor', '{% set ns = namespace() %}{% set ns.constructor = 1 %}', unsafe('constructor')],
  ['namespace from a dict copies data', '{% set ns = namespace(d) %}{{ ns.k }} {{ ns }}', { out: "v <Namespace {'k': 'v'}>" }, { d: { k: 'v' } }],
  ['dict() global', '{{ dict(a=1).constructor }}', unsafe('constructor')],
  ['macro.constructor', '{% macro m() %}x{% endmacro %}{{ m.constructor(' + reach + ')() }}', unsafe('constructor')],
  ['macro prints as data', '{% macro m() %}x{% endmacro %}{{ m }}|{{ m() }}', { out: '<function>|x' }],
  ['caller.constructor', '{% macro m() %}{{ caller.constructor }}{% endmacro %}{% call m() %}x{% endcall %}', unsafe('constructor')],
  ['caller prints as data', '{% macro m() %}{{ caller }}{{ caller() }}{% endmacro %}{% call m() %}x{% endcall %}', { out: '<function>x' }],
  ['raise_exception says only the given text', '{{ raise_exception("stop") }}', render(/the template raised an error: stop/)],
  ['.items() result', '{{ o.items().constructor }}', unsafe('constructor')],
  ['.items() pairs', '{{ (o.items() | first).__proto__ }}', unsafe('__proto__')],
  ['.keys() result', '{{ o.keys().__proto__ }}', unsafe('__proto__')],
  ['.items() prints as data', '{{ o.items() }} {{ o.keys() }} {{ o.values() | list }}', { out: "[('k', 'v')] ['k'] ['v']" }, { o: { k: 'v' } }],
  ['string method object', '{{ "".split.constructor }}', unsafe('constructor')],
  ['string method result', '{{ "a".replace("a", "b").constructor }}', unsafe('constructor')],
  ['format method', '{{ "".format.__proto__ }}', unsafe('__proto__')],
  ['string methods give data', '{{ "a,b".split(",") }} {{ "x".upper() }} {{ "ab".replace("a", "c") }}', { out: "['a', 'b'] X cb" }],
  ['no mutating list methods', '{{ a.append }}{{ a.pop }}|', { out: '|' }],
];

const formatCases: Case[] = [
  ['format field attribute', '{{ "{0.__class__}".format(s) }}', { code: 'template_unsafe', message: /format field/ }],
  ['format field constructor', '{{ "{0.constructor}".format(s) }}', { code: 'template_unsafe', message: /format field/ }],
  ['format field item', '{{ "{0[constructor]}".format(o) }}', { code: 'template_unsafe', message: /format field/ }],
  ['format of a function', '{{ "{}".format(range) }} {{ "%s" | format(range) }} {{ "%s" % range }} {{ "%r" % cycler }}', { out: '<function> <function> <function> <function>' }],
  ['printf mapping of a missing key', '{{ "%(constructor)s" % {"a": 1} }}', render(/KeyError/)],
];

const jsonCases: Case[] = [
  ['tojson of a function', '{{ range | tojson }}', render(/not JSON serializable/)],
  ['tojson of a macro inside data', '{% macro m() %}{% endmacro %}{{ [m] | tojson }}', render(/not JSON serializable/)],
  ['tojson of a namespace', '{{ namespace(a=1) | tojson }}', render(/not JSON serializable/)],
  ['tojson of undefined', '{{ missing | tojson }}', render(/Undefined is not JSON serializable/)],
  ['tojson of a cycle', '{% set ns = namespace() %}{% set ns.me = [ns] %}{{ ns.me | tojson }}', render(/not JSON serializable/)],
  ['printing a cycle', '{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}', { out: '<Namespace {\'me\': {...}}>' }],
  ['tojson of a huge indent', '{{ [1] | tojson(indent=100000000) }}', { code: 'template_budget' }],
  ['tojson of odd numbers', '{{ [1e308 * 10, -1e308 * 10] | tojson }}', { out: '[Infinity, -Infinity]' }],
];

const numberCases: Case[] = [
  ['int overflow by addition', '{{ 9007199254740991 + 1 }}', render(/integer overflow/)],
  ['int overflow by power', '{{ 2 ** 64 }}', render(/integer overflow/)],
  ['int overflow by product', '{{ 99999999999 * 99999999999 }}', render(/integer overflow/)],
  ['int overflow in sum', '{{ [9007199254740991, 1] | sum }}', render(/integer overflow/)],
  ['float overflow is inf', '{{ 1e308 * 10.0 }}', { out: 'inf' }],
  ['division by zero', '{{ 1 / 0 }}', render(/division by zero/)],
  ['huge repeat', '{{ "x" * 100000000 }}', { code: 'template_budget' }],
  ['huge list repeat', '{{ [1] * 100000000 }}', { code: 'template_budget' }],
  ['huge center', '{{ "x" | center(100000000) }}', { code: 'template_budget' }],
  ['huge indent', '{{ "a\nb" | indent(100000000) }}', { code: 'template_budget' }],
  ['huge zfill', '{{ "1".zfill(100000000) }}', { code: 'template_budget' }],
  ['huge format width', '{{ "%100000000s" % "x" }}', { code: 'template_budget' }],
];

const recursionCases: Case[] = [
  ['macro recursion', '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', render(/nests more than \d+ evaluations deep/)],
  ['mutual recursion', '{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}', render(/nests more than/)],
  ['call block recursion', '{% macro f() %}{% call f() %}x{% endcall %}{% endmacro %}{{ f() }}', render(/nests more than/)],
  ['deep parentheses', `{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`, { code: 'template_syntax', message: /nests/ }],
  ['deep list literal', `{{ ${'['.repeat(3000)}${']'.repeat(3000)} }}`, { code: 'template_syntax', message: /nests/ }],
  ['deep if nesting', `${'{% if true %}'.repeat(600)}x${'{% endif %}'.repeat(600)}`, { code: 'template_syntax', message: /nests/ }],
  ['a value nested deeper than can print', '{% set ns = namespace(v=1) %}{% for i in range(1000) %}{% set ns.v = [ns.v] %}{% endfor %}{{ ns.v }}', render(/nested more than \d+ levels/)],
];

/** Each filter on each kind of input, with arguments where it needs them. */
const FILTER_ARGS: Record<string, string> = {
  attr: '("k")', batch: '(2)', format: '(1)', groupby: '("k")', map: '("string")', replace: '("a", "b")',
  rejectattr: '("k")', selectattr: '("k")', slice: '(2)', join: '(", ")', indent: '(2)', truncate: '(3, true, "")',
};
const FILTER_INPUTS = ['s', 'n', 'a', 'o', '[o, o]', 'range', 'missing', 'none', '1.5'];

describe('escape corpus: each case renders data only or is refused', () => {
  const cases: [string, Case[]][] = [
    ['globals', globalCases], ['host names', hostCases], ['literals', literalCases], ['inputs', inputCases],
    ['attribute paths', attrPathCases], ['objects, macros and methods', objectCases], ['format', formatCases],
    ['tojson', jsonCases], ['numbers and sizes', numberCases], ['recursion and nesting', recursionCases],
  ];
  for (const [group, list] of cases) {
    describe(group, () => {
      test.each(list.map((c) => [c[0], c] as const))('%s', (_name, c) => check([c[0], c[1], c[2], c[3] ?? inputs]));
    });
  }

  describe('every filter', () => {
    test.each([...FILTER_NAMES])('|%s on every kind of input, and its result\'s constructor', (f) => {
      for (const input of FILTER_INPUTS) {
        // A filter may refuse an input (a clear WeirError); what it prints or says never leaks, and
        // whatever it returns has no way back to JavaScript.
        const applied = `(${input} | ${f}${FILTER_ARGS[f] ?? ''})`;
        const { out, err } = run(`{{ ${applied} }}`, inputs);
        const shown = out ?? err!.message;
        expect(shown).not.toContain(CANARY);
        for (const leak of LEAKS) expect(shown, `${applied} shows ${String(leak)}`).not.toMatch(leak);
        if (out !== undefined) {
          expect(run(`{{ ${applied}.constructor }}`, inputs).err?.code, applied).toBe('template_unsafe');
          expect(run(`{{ ${applied}.__proto__ }}`, inputs).err?.code, applied).toBe('template_unsafe');
        }
      }
    });
  });
});
