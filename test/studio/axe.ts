import axe from 'axe-core';
import type { Page } from 'playwright-core';

type AxeResults = import('axe-core').AxeResults;

/**
 * Runs axe-core inside `page` (the real Chromium rendering, so colour contrast is measured on what
 * a user sees) and fails listing every serious or critical violation. Minor and moderate ones are
 * left to judgement; serious and critical are what the issue demands be zero on every page.
 */
export async function expectNoSeriousA11yViolations(page: Page, label: string): Promise<void> {
  const violations = await seriousA11yViolations(page);
  if (violations.length === 0) return;
  throw new Error(`${label}: ${violations.length} serious/critical accessibility violation(s)\n`
    + violations.map(describe).join('\n'));
}

export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string; summary: string }[];
}

/** The serious and critical axe-core violations on `page` as it is now. */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  // Injected once per document: a second copy would only re-register the same rules.
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate(async () => {
    const g = globalThis as unknown as { axe: typeof import('axe-core'); document: import('axe-core').ElementContext };
    return g.axe.run(g.document, { resultTypes: ['violations'] });
  }) as AxeResults;
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.map((t) => (Array.isArray(t) ? t.join(' >> ') : String(t))).join(' | '),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
      })),
    }));
}

function describe(v: A11yViolation): string {
  return `- [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element(s))\n`
    + v.nodes.map((n) => `    ${n.target}\n      ${n.summary}`).join('\n');
}
