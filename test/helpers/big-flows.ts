/**
 * Flows too big or too deep to commit as fixtures, made on the spot: chains of `pass` nodes (the test
 * node type that returns its input) and values nested as deep as asked. Built with loops, as what
 * they test is code that must not recurse per node or per level.
 */

export interface ChainOptions {
  name?: string;
  type?: string;
  /** The first node reads the last one: one cycle through every node. */
  cycle?: boolean;
  /** The first node runs only when this flow input is true (so a false input skips every node). */
  gate?: boolean;
}

/** A flow of `n` nodes where node i reads node i-1, and the flow's output reads the last one. */
export function chainFlow(n: number, opts: ChainOptions = {}): Record<string, unknown> {
  const type = opts.type ?? 'pass';
  const nodes: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const from = i > 0 ? `\${n${i - 1}.output}` : opts.cycle ? `\${n${n - 1}.output}` : '${inputs.x}';
    nodes[i] = { name: `n${i}`, type, inputs: { value: from } };
  }
  if (opts.gate) nodes[0].activate = { when: '${inputs.go}', is: true };
  const inputs: Record<string, unknown> = { x: { type: 'string' } };
  if (opts.gate) inputs.go = { type: 'boolean', default: true };
  return { weir: 1, name: opts.name ?? `chain-${n}`, inputs, outputs: { out: `\${n${n - 1}.output}` }, nodes };
}

/** The same chain as YAML text, written line by line (the YAML writer is not what is tested). */
export function chainYaml(n: number, name = `chain-${n}`): string {
  const lines = [`weir: 1`, `name: ${name}`, `inputs:`, `  x: { type: string }`, `outputs:`, `  out: \${n${n - 1}.output}`, `nodes:`];
  for (let i = 0; i < n; i++) lines.push(`  - name: n${i}`, `    type: pass`, `    inputs: { value: ${i > 0 ? `\${n${i - 1}.output}` : '${inputs.x}'} }`);
  return `${lines.join('\n')}\n`;
}

/** `[[[ … "leaf" … ]]]`, `depth` arrays deep. */
export function deepList(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** A one-node flow whose input value is a list nested `depth` levels deep in YAML block style (`- - - x`). */
export function deepBlockYaml(depth: number): string {
  return `weir: 1\nname: deep\noutputs:\n  out: \${a.output}\nnodes:\n  - name: a\n    type: pass\n    inputs:\n      value:\n        ${'- '.repeat(depth)}x\n`;
}
