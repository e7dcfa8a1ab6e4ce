import { WeirError } from '../../errors.ts';
import { Budget, DEFAULT_MAX_OUTPUT, DEFAULT_MAX_STEPS, withBudget } from './budget.ts';
import { compileProgram, type Loader } from './compile.ts';
import { toRuntime } from './convert-input.ts';
import { globalScope } from './globals.ts';
import { SandboxInterpreter } from './interpreter.ts';
import { scope, type StringValue } from './runtime-values.ts';
import { RenderError, TemplateBudgetError, TemplateSyntaxError } from './template-errors.ts';

/**
 * Jinja templates in a sandbox: @huggingface/jinja's parser and interpreter over its own values,
 * with every way out of those values closed (see README-differences.md for what differs from
 * Jinja2). Pure: no I/O (files come through `load`), so it runs the same inside a worker thread.
 */
export { MAX_RANGE, DEFAULT_MAX_OUTPUT, DEFAULT_MAX_STEPS } from './budget.ts';
export { MAX_INCLUDE_DEPTH, MAX_SOURCE_CHARS } from './compile.ts';
export { TemplateBudgetError, TemplateSyntaxError, type BudgetLimit } from './template-errors.ts';

export interface RenderLimits {
  /** Interpreter steps (one per evaluated node, plus one per item of bulk work); default 5 000 000. */
  maxSteps?: number;
  /** A `performance.now()` time in ms after which the render stops. */
  deadline?: number;
  /** Most characters the output (or any string built on the way) may have; default 1 MiB. */
  maxOutputChars?: number;
}

export interface CompiledTemplate {
  /** Renders synchronously; budget failures throw TemplateBudgetError (code template_budget). */
  render(vars: Record<string, unknown>, limits?: RenderLimits): string;
  readonly source: string;
  /** Each file `{% include %}` read, by name: with `source`, enough to compile it again without a loader. */
  readonly files: Readonly<Record<string, string>>;
}

function asWeirError(err: unknown): WeirError {
  if (err instanceof WeirError) return err;
  if (err instanceof RangeError && /string length/i.test(err.message)) {
    return new TemplateBudgetError('output', 'the template output grew past what a string can hold');
  }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new WeirError('template_render', 'the template nests too deeply (stack exhausted)', { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new WeirError('template_render', err instanceof RenderError ? message : message.replace(/^\w*Error: /, ''), { cause: err });
}

/** Parses once (throws a TemplateSyntaxError, code template_syntax, with line/col where known). */
export function compileTemplate(source: string, opts: { load?: Loader } = {}): CompiledTemplate {
  let compiled: ReturnType<typeof compileProgram>;
  try {
    compiled = compileProgram(source, opts.load);
  } catch (err) {
    if (err instanceof WeirError) throw err;
    throw new TemplateSyntaxError(err instanceof Error ? err.message : String(err), {}, err);
  }
  const { program, files } = compiled;
  return {
    source,
    files: Object.fromEntries(files),
    render(vars, limits = {}) {
      const budget = new Budget(limits.maxSteps ?? DEFAULT_MAX_STEPS, limits.deadline, limits.maxOutputChars ?? DEFAULT_MAX_OUTPUT);
      return withBudget(budget, () => {
        try {
          const env = scope(globalScope);
          for (const name of Object.keys(vars)) env.setVariable(name, toRuntime(vars[name], name));
          const text = (new SandboxInterpreter(env, budget).run(program) as StringValue).value;
          budget.chars(text.length);
          return text;
        } catch (err) {
          throw asWeirError(err);
        }
      });
    },
  };
}
