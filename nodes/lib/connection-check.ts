import type { CheckProblem } from '../../engine/node-definition.ts';

/** Validation-time check that a named connection exists, when the host knows its connections. */
export function connectionProblems(connection: string | undefined, known: ReadonlySet<string> | undefined): CheckProblem[] {
  if (connection === undefined || !known || known.has(connection)) return [];
  return [{ code: 'connection_not_found', message: `connection "${connection}" does not exist`, path: ['connection'] }];
}
