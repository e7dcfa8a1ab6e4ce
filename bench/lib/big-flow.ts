/** A valid flow of `n` nodes shaped like real ones: prompts and transforms in parallel chains of ten. */
export function bigFlow(name: string, n: number): Record<string, unknown> {
  const nodes: Record<string, unknown>[] = [];
  const layout: Record<string, [number, number]> = {};
  for (let i = 0; i < n; i++) {
    const chain = Math.floor(i / 10);
    const step = i % 10;
    const name = `n${i}`;
    const from = step === 0 ? '${inputs.topic}' : `\${n${i - 1}.output}`;
    nodes.push(
      step % 2 === 0
        ? { name, type: 'prompt', inputs: { text: from }, config: { template: `Step ${step}: {{ text }}` } }
        : { name, type: 'transform', inputs: { text: from }, config: { expression: '$uppercase(text)' } },
    );
    layout[name] = [step * 280, chain * 160];
  }
  // Each chain's last node is an output, so no node is unused (a valid flow, no warnings).
  const outputs: Record<string, string> = {};
  for (let end = 9; end < n + 9; end += 10) outputs[`chain${Math.floor(end / 10)}`] = `\${n${Math.min(end, n - 1)}.output}`;
  return { weir: 1, name, inputs: { topic: { type: 'string', default: 'weir' } }, outputs, nodes, layout };
}
