import { Environment, Interpreter, parse, tokenize, type Node, type Program } from './jinja-lib.ts';

/**
 * The value classes of @huggingface/jinja's interpreter. The package exports only Environment,
 * Interpreter, tokenize and parse, yet the interpreter checks values with `instanceof` against its own
 * classes, so ours must be the very same classes: they are taken from values the library makes itself
 * (importing its source files by path would load a second copy whose classes fail `instanceof`).
 * The types below are the parts of them this sandbox uses.
 */
export interface RuntimeValue<T = unknown> {
  type: string;
  value: T;
}
export type StringValue = RuntimeValue<string>;
export type IntegerValue = RuntimeValue<number>;
export type FloatValue = RuntimeValue<number>;
export type BooleanValue = RuntimeValue<boolean>;
export type NullValue = RuntimeValue<null>;
export type UndefinedValue = RuntimeValue<undefined>;
export type ArrayValue = RuntimeValue<AnyValue[]>;
export type TupleValue = ArrayValue;
export type ObjectValue = RuntimeValue<Map<string, AnyValue>>;
export type KeywordArgumentsValue = ObjectValue;
export type NamespaceValue = RuntimeValue<Map<string, AnyValue>>;
export type NativeFunction = (args: AnyValue[], scope: Environment) => AnyValue;
export type FunctionValue = RuntimeValue<NativeFunction>;
export type AnyValue = RuntimeValue<unknown>;

type Ctor<V, T> = new (value: T) => V;

export type { Node, Program };

function harvest() {
  const env = new Environment();
  let n = 0;
  const probe = (v: unknown) => env.set(`p${n++}`, v) as unknown as AnyValue;
  const fn = env.variables.get('namespace') as unknown as FunctionValue;
  const FunctionCtor = fn.constructor as Ctor<FunctionValue, NativeFunction>;
  const interp = new Interpreter(env);
  const evalExpr = (src: string) => {
    const program = parse(tokenize(`{{ ${src} }}`));
    return interp.evaluate(program.body[0], env) as unknown as AnyValue;
  };
  let kwargs: AnyValue | undefined;
  env.setVariable('capture', new FunctionCtor((args) => (kwargs = args[args.length - 1])));
  evalExpr('capture(a=1)');
  const program = parse(tokenize(''));
  return {
    IntegerValue: probe(1).constructor as Ctor<IntegerValue, number>,
    FloatValue: probe(1.5).constructor as Ctor<FloatValue, number>,
    StringValue: probe('').constructor as Ctor<StringValue, string>,
    BooleanValue: probe(true).constructor as Ctor<BooleanValue, boolean>,
    NullValue: probe(null).constructor as Ctor<NullValue, null>,
    UndefinedValue: probe(undefined).constructor as Ctor<UndefinedValue, undefined>,
    ArrayValue: probe([]).constructor as Ctor<ArrayValue, AnyValue[]>,
    ObjectValue: probe({}).constructor as Ctor<ObjectValue, Map<string, AnyValue>>,
    TupleValue: evalExpr('(1, 2)').constructor as Ctor<TupleValue, AnyValue[]>,
    NamespaceValue: evalExpr('namespace()').constructor as Ctor<NamespaceValue, Map<string, AnyValue>>,
    KeywordArgumentsValue: kwargs!.constructor as Ctor<KeywordArgumentsValue, Map<string, AnyValue>>,
    FunctionValue: FunctionCtor,
    Statement: Object.getPrototypeOf(program.constructor.prototype) as object,
    Program: program.constructor as unknown as new (body: Node[]) => Program,
  };
}

const classes = harvest();
export const IntegerValue = classes.IntegerValue;
export const FloatValue = classes.FloatValue;
export const StringValue = classes.StringValue;
export const BooleanValue = classes.BooleanValue;
export const NullValue = classes.NullValue;
export const UndefinedValue = classes.UndefinedValue;
export const ArrayValue = classes.ArrayValue;
export const TupleValue = classes.TupleValue;
export const ObjectValue = classes.ObjectValue;
export const NamespaceValue = classes.NamespaceValue;
export const KeywordArgumentsValue = classes.KeywordArgumentsValue;
export const FunctionValue = classes.FunctionValue;
export const ProgramNode = classes.Program;

/** An AST node of our own (Output, Iterate …): a Statement, so the library's own AST walks see into it. */
export function syntheticNode(type: string, fields: Record<string, unknown>): Node {
  return Object.assign(Object.create(classes.Statement) as object, { type }, fields) as Node;
}

/**
 * Values are made with Object.create on the library's prototypes rather than with `new`: its classes
 * set `type` and `value` as class fields in a base initializer shared by a dozen subclasses, which
 * V8 runs down its megamorphic slow path once five of them are in use — measured 250 ns per value
 * against 29 ns this way. Nothing here runs the library's constructors, and `instanceof` holds.
 */
function maker<V extends AnyValue>(Cls: abstract new (...a: never[]) => unknown, type: string) {
  const proto = Cls.prototype as object;
  return (value: V['value']): V => {
    const v = Object.create(proto) as V;
    v.type = type;
    v.value = value;
    return v;
  };
}

/**
 * Jinja2's Undefined carries why it is undefined, and says so when it is used for more than printing
 * or testing ("'user' is undefined", "'dict object' has no attribute 'name'").
 */
export class HintedUndefined extends UndefinedValue {
  declare hint: string;
}

/** Groups from `groupby` are tuples that also answer `.grouper` and `.list`, as in Jinja2. */
export class GroupTuple extends TupleValue {}

export const str = maker<StringValue>(StringValue, 'StringValue');
export const int = maker<IntegerValue>(IntegerValue, 'IntegerValue');
export const float = maker<FloatValue>(FloatValue, 'FloatValue');
export const list = maker<ArrayValue>(ArrayValue, 'ArrayValue');
export const tuple = maker<TupleValue>(TupleValue, 'TupleValue');
export const dict = maker<ObjectValue>(ObjectValue, 'ObjectValue');
export const kwargsValue = maker<KeywordArgumentsValue>(KeywordArgumentsValue, 'KeywordArgumentsValue');
export const fn = maker<FunctionValue>(FunctionValue, 'FunctionValue');
const makeBool = maker<BooleanValue>(BooleanValue, 'BooleanValue');
const makeHinted = maker<HintedUndefined>(HintedUndefined, 'UndefinedValue');
const makeGroup = maker<GroupTuple>(GroupTuple, 'TupleValue');

export function hinted(hint: string): HintedUndefined {
  const v = makeHinted(undefined);
  v.hint = hint;
  return v;
}

export function undefinedHint(v: AnyValue): string {
  return v instanceof HintedUndefined ? v.hint : 'a value is undefined';
}

export const group = (grouper: AnyValue, items: ArrayValue): GroupTuple => makeGroup([grouper, items]);

export const NONE = maker<NullValue>(NullValue, 'NullValue')(null);
export const UNDEFINED = maker<UndefinedValue>(UndefinedValue, 'UndefinedValue')(undefined);
export const TRUE = makeBool(true);
export const FALSE = makeBool(false);
export const EMPTY = str('');
export const bool = (b: boolean): BooleanValue => (b ? TRUE : FALSE);

const testsOfScopes = new Environment().tests;

/** A scope, made without the library's constructor (which also adds a `namespace` function to every scope: the global scope has it). */
export function scope(parent?: Environment): Environment {
  const e = Object.create(Environment.prototype) as Environment;
  e.parent = parent;
  e.variables = new Map();
  e.tests = testsOfScopes;
  return e;
}

export const isStr = (v: AnyValue): v is StringValue => v instanceof StringValue;
export const isInt = (v: AnyValue): v is IntegerValue => v instanceof IntegerValue;
export const isFloat = (v: AnyValue): v is FloatValue => v instanceof FloatValue;
export const isBool = (v: AnyValue): v is BooleanValue => v instanceof BooleanValue;
export const isNone = (v: AnyValue): v is NullValue => v instanceof NullValue;
export const isUndef = (v: AnyValue): v is UndefinedValue => v instanceof UndefinedValue;
export const isList = (v: AnyValue): v is ArrayValue => v instanceof ArrayValue;
export const isTuple = (v: AnyValue): v is TupleValue => v instanceof TupleValue;
export const isDict = (v: AnyValue): v is ObjectValue => v instanceof ObjectValue;
export const isNamespace = (v: AnyValue): v is NamespaceValue => v instanceof NamespaceValue;
export const isFunc = (v: AnyValue): v is FunctionValue => v instanceof FunctionValue;
/** Python's numbers: int, float and bool (a bool is an int in Python). */
export const isNumber = (v: AnyValue): v is IntegerValue | FloatValue | BooleanValue => isInt(v) || isFloat(v) || isBool(v);
export const numberOf = (v: IntegerValue | FloatValue | BooleanValue): number => (isBool(v) ? Number(v.value) : v.value);
