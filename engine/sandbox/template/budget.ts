import { TemplateBudgetError } from './template-errors.ts';

/** Jinja2's sandbox MAX_RANGE: the most items `range()` may make. */
export const MAX_RANGE = 100_000;
export const DEFAULT_MAX_STEPS = 5_000_000;
/** 1 MiB of characters: a prompt far past any model's context window, yet cheap to hold. */
export const DEFAULT_MAX_OUTPUT = 1024 * 1024;
/** performance.now() costs ~40 ns; once per 1024 steps it is noise next to the steps themselves. */
const CHECK_EVERY = 1024;

/**
 * One render's budget: interpreter steps (one per evaluated AST node, plus a charge per item for
 * bulk work such as iterating, sorting or joining, so an empty loop body is not free), a deadline
 * on `performance.now()`, and the most characters any string it builds may hold.
 */
export class Budget {
  steps = 0;
  next: number;

  constructor(
    readonly maxSteps: number,
    readonly deadline: number | undefined,
    readonly maxChars: number,
  ) {
    this.next = Math.min(maxSteps + 1, CHECK_EVERY);
  }

  /** Adds `n` steps; throws when the steps or the deadline run out. */
  charge(n: number): void {
    this.steps += n;
    if (this.steps >= this.next) this.check();
  }

  check(): void {
    if (this.steps > this.maxSteps) {
      throw new TemplateBudgetError('steps', `the template ran out of its step budget (${this.maxSteps} steps)`);
    }
    if (this.deadline !== undefined && performance.now() > this.deadline) {
      throw new TemplateBudgetError('deadline', 'the template did not finish rendering before its deadline');
    }
    this.next = Math.min(this.maxSteps + 1, this.steps + CHECK_EVERY);
  }

  /**
   * Work over a string of `n` characters: a step per 16 characters, about the cost of one AST
   * evaluation in JS-level character loops, so repeating string work on a big input is not free.
   */
  chargeChars(n: number): void {
    this.charge(1 + (n >>> 4));
  }

  /** Refuses a string of `length` characters before it is built (or right after, when its size is only known then). */
  chars(length: number): void {
    if (length > this.maxChars) {
      throw new TemplateBudgetError('output', `the template output would exceed ${this.maxChars} characters (maxOutputChars)`);
    }
  }

  /** Lists are held to the same number, as items: one that big could never be printed either. */
  items(n: number): void {
    if (n > this.maxChars) {
      throw new TemplateBudgetError('output', `the template would build a list of more than ${this.maxChars} items (maxOutputChars)`);
    }
  }
}

let active: Budget | undefined;
const unlimited = new Budget(Number.MAX_SAFE_INTEGER - 1, undefined, DEFAULT_MAX_OUTPUT);

/**
 * The budget of the render under way. Filters and globals are called by the library's interpreter
 * with no handle on ours; renders are synchronous and never nest, so one slot is enough.
 */
export function budget(): Budget {
  return active ?? unlimited;
}

export function withBudget<T>(b: Budget, run: () => T): T {
  const previous = active;
  active = b;
  try {
    return run();
  } finally {
    active = previous;
  }
}
