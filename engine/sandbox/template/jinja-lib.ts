import * as lib from '@huggingface/jinja';

/**
 * The parts of @huggingface/jinja this sandbox uses, typed here: the package's .d.ts files import
 * each other without file extensions, which TypeScript's NodeNext resolution cannot follow, so its
 * own types arrive as `any`.
 */
export interface Environment {
  parent?: Environment;
  variables: Map<string, unknown>;
  tests: unknown;
  setVariable(name: string, value: unknown): unknown;
  lookupVariable(name: string): unknown;
  set(name: string, value: unknown): unknown;
}

/** An AST node: `type` names its class; fields as in the library's ast.ts. */
export type Node = { type: string } & Record<string, unknown>;
export type Program = Node & { body: Node[] };
export interface LibToken {
  value: string;
  type: string;
}

export interface Interpreter {
  global: Environment;
  run(program: Program): unknown;
  evaluate(node: Node | undefined, env: Environment): unknown;
}

export const Environment = lib.Environment as new (parent?: Environment) => Environment;
export const Interpreter = lib.Interpreter as new (env?: Environment) => Interpreter;
export const parse = lib.parse as (tokens: LibToken[]) => Program;
export const tokenize = lib.tokenize as (source: string, opts?: { trim_blocks?: boolean; lstrip_blocks?: boolean }) => LibToken[];
