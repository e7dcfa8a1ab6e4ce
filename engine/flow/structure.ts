import { z } from 'zod';
import type { ProblemCode } from '../error-codes.ts';
import type { Problem } from '../errors.ts';
import { FlowSchema } from './schema.ts';

type Path = (string | number)[];

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k as string];
  }
  return v;
}

/** Turns zod issues into problems with stable codes; `prefix` is where `value` sits in the file. */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  value: unknown,
  prefix: Path,
  fallbackCode: ProblemCode,
  node?: string,
): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = [...prefix, ...(issue.path as Path)];
    let code = fallbackCode;
    let message = issue.message;
    const where = path.join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      // One problem per key, pointing at the key itself so the line is the offending one.
      return issue.keys.map((k) => ({ code: 'unknown_field', message: `unknown field "${k}" in ${where}`, path: [...path, k], ...(node === undefined ? {} : { node }) }));
    } else if (issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined) {
      code = 'missing_field';
      message = `${where} is required (${issue.message.replace(/^Invalid input: /, '')})`;
    } else {
      message = `${where}: ${issue.message}`;
    }
    return [{ code, message, path, ...(node === undefined ? {} : { node }) }];
  });
}

/** Checks the shape of the whole file; the version gets its own code so old tools can say so. */
export function structureProblems(raw: unknown): Problem[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return [{ code: 'not_a_mapping', message: 'a flow file must be a mapping with weir, name and nodes', path: [] }];
  }
  const weir = (raw as Record<string, unknown>).weir;
  const problems: Problem[] = [];
  if (weir !== undefined && weir !== 1) {
    problems.push({
      code: 'unsupported_version',
      message: `this Weir reads flow format weir: 1, not weir: ${JSON.stringify(weir)}`,
      path: ['weir'],
    });
  }
  const parsed = FlowSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.filter((i) => !(i.path.length === 1 && i.path[0] === 'weir' && weir !== undefined));
    for (const p of issuesToProblems(issues, raw, [], 'invalid_field')) {
      const idx = p.path[0] === 'nodes' && typeof p.path[1] === 'number' ? p.path[1] : undefined;
      const name = idx === undefined ? undefined : valueAt(raw, ['nodes', idx, 'name']);
      problems.push(typeof name === 'string' ? { ...p, node: name } : p);
    }
  }
  return problems;
}
