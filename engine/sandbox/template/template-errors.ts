import { WeirError } from '../../errors.ts';

/** Which budget a render ran out of. */
export type BudgetLimit = 'steps' | 'deadline' | 'output' | 'range';

/**
 * A render stopped by one of its budgets, not by a mistake in the template: a caller (the runner
 * that moves long renders to a worker) tells "ran out of steps" apart from a real render error by
 * this class or by `code === 'template_budget'` and `limit`.
 */
export class TemplateBudgetError extends WeirError {
  readonly limit: BudgetLimit;
  constructor(limit: BudgetLimit, message: string) {
    super('template_budget', message);
    this.limit = limit;
  }
}

/** A template that does not parse; `line`/`col` (1-based, in `file` when it came from an include). */
export class TemplateSyntaxError extends WeirError {
  readonly line?: number;
  readonly col?: number;
  readonly file?: string;
  constructor(message: string, where: { line?: number; col?: number; file?: string } = {}, cause?: unknown) {
    const at = where.line === undefined ? '' : `${where.file ? `${where.file} ` : ''}line ${where.line}, col ${where.col}: `;
    super('template_syntax', `${at}${message}`, { cause });
    this.line = where.line;
    this.col = where.col;
    this.file = where.file;
  }
}

/** What a template asked for that the sandbox refuses (an unsafe attribute, a function input). */
export function unsafe(message: string): WeirError {
  return new WeirError('template_unsafe', message);
}

/** A mistake found while rendering (Jinja2's TypeError, UndefinedError …). */
export class RenderError extends Error {}

export function renderError(message: string): RenderError {
  return new RenderError(message);
}

export function notFound(name: string, where: { line?: number; col?: number; file?: string }): WeirError {
  const at = where.line === undefined ? '' : `${where.file ? `${where.file} ` : ''}line ${where.line}, col ${where.col}: `;
  return new WeirError('template_not_found', `${at}included template "${name}" was not found`);
}
