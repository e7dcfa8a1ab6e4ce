import { Interpreter, type Environment } from './jinja-lib.ts';
import { splitArgs } from './args.ts';
import type { Budget } from './budget.ts';
import { applyFilter } from './filters.ts';
import { itemsOf } from './filters-seq.ts';
import { BREAK, CONTINUE, binder, loopObject } from './loop-parts.ts';
import { getAttr, getItem, getSlice } from './member.ts';
import { binary, pyTypeName, rejectUndefined, truthy } from './ops.ts';
import { toStr } from './py-format.ts';
import { MAX_AST_DEPTH } from './rewrite.ts';
import {
  HintedUndefined, bool, fn, hinted, isDict, kwargsValue, scope as newScope, isFunc, isList, isStr, isUndef, list, str,
  type AnyValue, type ArrayValue, type FunctionValue, type Node, type StringValue,
} from './runtime-values.ts';
import { checkName } from './safety.ts';
import { renderError } from './template-errors.ts';
import { runTest } from './tests.ts';

/**
 * Deepest nesting of evaluations at run time (macro recursion included): twice the static AST
 * limit, still well inside the stack (see MAX_AST_DEPTH); past it a render fails with a clear error
 * instead of a RangeError from deep inside the library.
 */
const MAX_EVAL_DEPTH = MAX_AST_DEPTH * 2;

/**
 * @huggingface/jinja's interpreter, with `evaluate` overridden: every evaluation counts against the
 * render's budget, and the node kinds through which a template could reach anything — member access,
 * calls, operators, filters, tests, printing — are evaluated here, over this sandbox's own tables.
 * The library still runs the statements (for, if, set, macro, call blocks) and literals.
 */
export class SandboxInterpreter extends Interpreter {
  private depth = 0;

  constructor(env: Environment, private readonly budget: Budget) {
    super(env);
  }

  override evaluate(statement: Node | undefined, environment: Environment): AnyValue {
    const b = this.budget;
    if (++b.steps >= b.next) b.check();
    if (!statement) return super.evaluate(statement, environment) as AnyValue;
    if (++this.depth > MAX_EVAL_DEPTH) {
      this.depth--;
      throw renderError(`the template nests more than ${MAX_EVAL_DEPTH} evaluations deep (runaway macro recursion?)`);
    }
    try {
      return this.dispatch(statement, environment);
    } finally {
      this.depth--;
    }
  }

  private eval(node: Node | undefined, env: Environment): AnyValue {
    return this.evaluate(node, env);
  }

  private dispatch(node: Node, env: Environment): AnyValue {
    switch (node.type) {
      case 'Output': {
        const v = this.eval(node.expr as Node, env);
        if (isStr(v)) {
          this.budget.chars(v.value.length);
          return v;
        }
        const s = toStr(v);
        this.budget.chars(s.length);
        return str(s);
      }
      case 'StringLiteral':
      case 'IntegerLiteral':
      case 'FloatLiteral':
        return node.constant as AnyValue;
      case 'Identifier':
        return this.lookup(node.value as string, env);
      case 'Program':
        return this.block(node.body as Node[], env);
      case 'If':
        return this.block((truthy(this.eval(node.test as Node, env)) ? node.body : node.alternate) as Node[], env);
      case 'Loop':
        return this.loop(node, env);
      case 'Break':
        throw BREAK;
      case 'Continue':
        throw CONTINUE;
      case 'Macro':
        this.budget.charge(node.weight as number);
        return this.macro(node, env);
      case 'CallStatement':
        this.budget.charge(node.weight as number);
        return super.evaluate(node, env) as AnyValue;
      case 'Set': {
        const target = node.assignee as Node;
        if (target.type === 'MemberExpression' && (target.property as Node).type === 'Identifier') {
          checkName((target.property as Node).value as string, 'attribute');
        }
        return super.evaluate(node, env) as AnyValue;
      }
      case 'MemberExpression':
        return this.member(node, env);
      case 'CallExpression':
        return this.call(node, env);
      case 'BinaryExpression':
        return this.binaryOp(node, env);
      case 'FilterExpression':
        return this.filter(node.filter as Node, this.eval(node.operand as Node, env), env);
      case 'FilterBlock':
        return this.filter(node.filter as Node, this.eval(node.body as Node, env), env);
      case 'TestExpression': {
        const v = this.eval(node.operand as Node, env);
        const ok = runTest((node.test as Node).value as string, v, []);
        return bool(node.negate ? !ok : ok);
      }
      case 'Iterate':
        return list(itemsOf(this.eval(node.expr as Node, env), 'for loop'));
      case 'Charge': {
        const v = this.eval(node.expr as Node, env);
        if (isList(v)) this.budget.charge(v.value.length);
        else if (isDict(v)) this.budget.charge(v.value.size);
        return v;
      }
      default: {
        const v = super.evaluate(node, env) as AnyValue;
        if (isStr(v)) this.budget.chars(v.value.length);
        return v;
      }
    }
  }

  /**
   * A macro, run in the scope it was defined in, as Jinja2 does (the library runs it in the caller's
   * scope, so a macro saw the caller's loop variables and each recursive call lengthened the scope
   * chain). A `{% call %}` block hands its `caller` over in the scope it calls with.
   */
  private macro(node: Node, env: Environment): AnyValue {
    const v = super.evaluate(node, env) as AnyValue;
    const name = (node.name as Node).value as string;
    const made = env.variables.get(name) as FunctionValue;
    env.setVariable(name, fn((args, callScope) => {
      const caller = callScope.variables.get('caller');
      if (caller === undefined) return made.value(args, env);
      const scope = newScope(env);
      scope.setVariable('caller', caller);
      return made.value(args, scope);
    }));
    return v;
  }

  /** A block's text: its statements print nothing, its outputs are strings (see rewrite.ts). */
  private block(nodes: Node[], env: Environment): AnyValue {
    let text = '';
    for (const n of nodes) {
      const v = this.eval(n, env);
      if (isStr(v)) text += v.value;
      else if (v.type !== 'NullValue' && v.type !== 'UndefinedValue') text += toStr(v);
    }
    this.budget.chars(text.length);
    return str(text);
  }

  /**
   * A name, looked up through the scope chain without recursion (the library's lookup recurses
   * per scope and turns any error, a stack overflow included, into "undefined"). A scope chain
   * grows with loop and macro nesting, so a long walk is charged.
   */
  private lookup(name: string, env: Environment): AnyValue {
    let scope: Environment | undefined = env;
    let hops = 0;
    while (scope && !scope.variables.has(name)) {
      scope = scope.parent;
      hops++;
    }
    if (hops > 8) this.budget.charge(hops >>> 3);
    const v = scope?.variables.get(name) as AnyValue | undefined;
    return v === undefined || (isUndef(v) && !(v instanceof HintedUndefined)) ? hinted(`'${name}' is undefined`) : v;
  }

  /** `for`: one scope for the loop, the loop variable(s) set per item, `loop` made only if the body reads it. */
  private loop(node: Node, env: Environment): AnyValue {
    const scope = newScope(env);
    let items = (this.eval(node.iterable as Node, scope) as ArrayValue).value;
    const assign = binder(node.loopvar as Node);
    const test = node.test as Node | undefined;
    if (test) {
      items = items.filter((item) => {
        assign(scope, item);
        return truthy(this.eval(test, scope));
      });
    }
    if (items.length === 0) return this.eval(node.orelse as Node, scope);
    const body = node.body as Node;
    const n = items.length;
    let text = '';
    for (let i = 0; i < n; i++) {
      assign(scope, items[i]);
      if (node.readsLoop) scope.setVariable('loop', loopObject(items, i));
      try {
        text += (this.eval(body, scope) as StringValue).value;
      } catch (err) {
        if (err === CONTINUE) continue;
        if (err === BREAK) break;
        throw err;
      }
      this.budget.chars(text.length);
    }
    return str(text);
  }

  private member(node: Node, env: Environment): AnyValue {
    const obj = this.eval(node.object as Node, env);
    const prop = node.property as Node;
    if (!node.computed) {
      return prop.type === 'IntegerLiteral' ? getItem(obj, this.eval(prop, env)) : getAttr(obj, prop.value as string);
    }
    if (prop.type === 'SliceExpression') {
      return getSlice(obj, this.eval(prop.start as Node, env), this.eval(prop.stop as Node, env), this.eval(prop.step as Node, env));
    }
    return getItem(obj, this.eval(prop, env));
  }

  /** Arguments as Python binds them: positional (with `*spread`), then keywords (with `**spread`). */
  private args(nodes: Node[], env: Environment): AnyValue[] {
    const args: AnyValue[] = [];
    const kwargs = new Map<string, AnyValue>();
    const setKw = (k: string, v: AnyValue) => {
      if (kwargs.has(k)) throw renderError(`got multiple values for keyword argument '${k}'`);
      kwargs.set(k, v);
    };
    for (const a of nodes) {
      if (a.type === 'SpreadExpression') {
        const v = this.eval(a.argument as Node, env);
        if (!isList(v)) throw renderError(`argument after * must be an iterable, not ${pyTypeName(v)}`);
        args.push(...v.value);
      } else if (a.type === 'KeywordArgumentExpression') {
        setKw((a.key as Node).value as string, this.eval(a.value as Node, env));
      } else if (a.type === 'KeywordSpreadExpression') {
        const v = this.eval(a.argument as Node, env);
        if (!isDict(v)) throw renderError(`argument after ** must be a mapping, not ${pyTypeName(v)}`);
        for (const [k, x] of v.value) setKw(k, x);
      } else args.push(this.eval(a, env));
    }
    if (kwargs.size > 0) args.push(kwargsValue(kwargs));
    return args;
  }

  private call(node: Node, env: Environment): AnyValue {
    const callee = this.eval(node.callee as Node, env);
    const args = this.args(node.args as Node[], env);
    if (!isFunc(callee)) {
      rejectUndefined(callee);
      throw renderError(`'${pyTypeName(callee)}' object is not callable`);
    }
    // namespace(dict) copies the dict: charge for it like any other bulk work.
    if ((node.callee as Node).type === 'Identifier' && (node.callee as Node).value === 'namespace') {
      for (const a of splitArgs(args)[0]) this.budget.charge(isDict(a) ? a.value.size : isList(a) ? a.value.length : 0);
    }
    const result = callee.value(args, env);
    // A macro's text is built by the library; hold it to the cap as it comes back.
    if (isStr(result)) this.budget.chars(result.value.length);
    return result;
  }

  private binaryOp(node: Node, env: Environment): AnyValue {
    const op = (node.operator as Node).value as string;
    const left = this.eval(node.left as Node, env);
    if (op === 'and') return truthy(left) ? this.eval(node.right as Node, env) : left;
    if (op === 'or') return truthy(left) ? left : this.eval(node.right as Node, env);
    return binary(op, left, this.eval(node.right as Node, env));
  }

  private filter(filter: Node, operand: AnyValue, env: Environment): AnyValue {
    if (filter.type === 'Identifier') return applyFilter(filter.value as string, operand, [], new Map());
    const [args, kwargs] = splitArgs(this.args(filter.args as Node[], env));
    return applyFilter((filter.callee as Node).value as string, operand, args, kwargs);
  }

}
