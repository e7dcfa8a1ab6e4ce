import type { Problem } from '../errors.ts';
import { analyzeFlow, type Analysis, type ValidateEnv } from './analyze.ts';
import { cycleProblems, reachabilityProblems, referenceProblems } from './graph-checks.ts';
import { structureProblems } from './structure.ts';
import { subflowProblems } from './subflow-checks.ts';

export type { ValidateEnv } from './analyze.ts';

export interface ValidationResult {
  ok: boolean;
  /** Errors then warnings, each with its code, node and path (and line when a locator was given). */
  problems: Problem[];
  analysis: Analysis;
}

type Locate = (path: (string | number)[]) => { line: number; col: number } | undefined;

/** Checks a flow as a whole and reports every problem at once. */
export function validateFlow(raw: unknown, env: ValidateEnv, locate?: Locate): ValidationResult {
  const analysis = analyzeFlow(raw, env);
  const problems = [
    ...structureProblems(raw),
    ...analysis.problems,
    ...referenceProblems(analysis),
    ...cycleProblems(analysis),
    ...reachabilityProblems(analysis),
    ...subflowProblems(analysis, env),
  ];
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.code}|${p.node ?? ''}|${p.path.join('.')}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (locate) {
    for (const p of unique) {
      const pos = locate(p.path);
      if (pos) Object.assign(p, pos);
    }
  }
  unique.sort((x, y) => (x.severity === 'warning' ? 1 : 0) - (y.severity === 'warning' ? 1 : 0) || (x.line ?? 0) - (y.line ?? 0));
  return { ok: !unique.some((p) => p.severity !== 'warning'), problems: unique, analysis };
}
