/**
 * Prompt flow's `${…}` references as Weir writes them: `${inputs.x}` and `${node.output…}` are the
 * same in both; `${flow.x}` (prompt flow's older spelling of a flow input) becomes `${inputs.x}`.
 */
const WHOLE = /^\$\{([^{}]*)\}$/;

export function isReference(v: unknown): boolean {
  return typeof v === 'string' && WHOLE.test(v.trim());
}

/** The value with `${flow.x}` rewritten; `changed` says whether it was. */
export function rewriteReference(v: unknown): { value: unknown; changed: boolean } {
  if (typeof v !== 'string') return { value: v, changed: false };
  const m = WHOLE.exec(v.trim());
  if (!m) return { value: v, changed: false };
  const body = m[1].trim();
  if (body.startsWith('flow.')) return { value: `\${inputs.${body.slice(5)}}`, changed: true };
  return { value: `\${${body}}`, changed: v !== `\${${body}}` };
}

/** The node a reference reads (`${a.output.b}` → `a`), or undefined for a flow input. */
export function referencedNode(v: string): string | undefined {
  const m = WHOLE.exec(v.trim());
  if (!m) return undefined;
  const head = m[1].trim().split('.')[0];
  return head === 'inputs' || head === 'flow' ? undefined : head;
}
