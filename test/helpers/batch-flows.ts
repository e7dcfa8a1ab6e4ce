/** Flows the batch-run tests share: an exact-match evaluator whose aggregation node gives `accuracy` (and `scored` when asked). */
export function exactFlow(withCount = false): string {
  const expression = withCount ? '{"accuracy": $average(scores), "scored": $count(scores)}' : '{"accuracy": $average(scores)}';
  return `weir: 1
name: exact
inputs:
  answer: { type: string }
  truth: { type: string }
outputs:
  correct: \${match.output}
nodes:
  - name: match
    type: transform
    inputs: { a: \${inputs.answer}, t: \${inputs.truth} }
    config: { expression: 'a = t ? 1 : 0' }
  - name: accuracy
    type: transform
    aggregation: true
    inputs: { scores: \${match.output} }
    config: { expression: '${expression}' }
`;
}

/** The monitor tests' evaluator, a flow of the workspace: 5 when the answer is what was expected, 1 otherwise. */
export const EXACT_SCORE_FLOW = `weir: 1
name: exact
inputs:
  answer: { type: string }
  expected: { type: string }
outputs:
  score: \${judge.output}
nodes:
  - name: judge
    type: transform
    inputs: { answer: \${inputs.answer}, expected: \${inputs.expected} }
    config: { expression: "answer = expected ? 5 : 1" }
`;
