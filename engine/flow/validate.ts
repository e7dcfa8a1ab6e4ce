import type { Problem } from '../errors.ts';
import { analyzeFlow, type Analysis, type ValidateEnv } from './analyze.ts';
import { chatMarkerProblems } from './chat-shape.ts';
import { cycleProblems } from './cycles.ts';
import { referenceProblems } from './graph-checks.ts';
import { limitProblems, MAX_PROBLEMS, moreProblems } from './limits.ts';
import { reachabilityProblems } from './reachability.ts';
import { structureProblems } from './structure.ts';
import { subflowProblems } from './subflow-checks.ts';
import { unexpectedProblem } from './unexpected.ts';

export type { ValidateEnv } from './analyze.ts';

export interface ValidationResult {
  ok: boolean;
  /** Errors then warnings, each with its code, node and path (and line when a locator was given). */
  problems: Problem[];
  analysis: Analysis;
}

type Locate = (path: (string | number)[]) => { line: number; col: number } | undefined;

/** One check, whose unexpected failure (a bug, never bad input) becomes a problem instead of a 500. */
function guarded(stage: string, check: () => Problem[]): Problem[] {
  try {
    return check();
  } catch (err) {
    return [unexpectedProblem(`the ${stage} check`, err)];
  }
}

const emptyAnalysis = (raw: unknown): Analysis => {
  const name = raw !== null && typeof raw === 'object' ? (raw as { name?: unknown }).name : undefined;
  return { name: typeof name === 'string' ? name : '', inputs: [], nodes: [], outputs: [], problems: [] };
};

/** Checks a flow as a whole and reports every problem at once. */
export function validateFlow(raw: unknown, env: ValidateEnv, locate?: Locate): ValidationResult {
  // A document past the limits gets only that problem: the checks below walk it.
  const limits = limitProblems(raw);
  if (limits.length) return finish(limits, emptyAnalysis(raw), locate);
  let analysis: Analysis;
  try {
    analysis = analyzeFlow(raw, env);
  } catch (err) {
    return finish([...guarded('structure', () => structureProblems(raw)), unexpectedProblem('reading the nodes', err)], emptyAnalysis(raw), locate);
  }
  const problems = [
    ...guarded('structure', () => structureProblems(raw)),
    ...analysis.problems,
    ...guarded('reference', () => referenceProblems(analysis)),
    ...guarded('cycle', () => cycleProblems(analysis)),
    ...guarded('reachability', () => reachabilityProblems(analysis)),
    ...guarded('sub-flow', () => subflowProblems(analysis, env)),
    ...guarded('chat marker', () => chatMarkerProblems(raw)),
  ];
  return finish(problems, analysis, locate);
}

function finish(problems: Problem[], analysis: Analysis, locate?: Locate): ValidationResult {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.code}|${p.node ?? ''}|${p.path.join('.')}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const ok = !unique.some((p) => p.severity !== 'warning');
  // Errors first, so the cap keeps them; only what is kept is placed (a walk of the YAML each).
  const ordered = ok ? unique : [...unique.filter((p) => p.severity !== 'warning'), ...unique.filter((p) => p.severity === 'warning')];
  const kept = ordered.slice(0, MAX_PROBLEMS);
  if (locate) {
    for (const p of kept) {
      const pos = locate(p.path);
      if (pos) Object.assign(p, pos);
    }
  }
  kept.sort((x, y) => (x.severity === 'warning' ? 1 : 0) - (y.severity === 'warning' ? 1 : 0) || (x.line ?? 0) - (y.line ?? 0));
  if (ordered.length > kept.length) kept.push(moreProblems(ordered.length - kept.length, ok));
  return { ok, problems: kept, analysis };
}
