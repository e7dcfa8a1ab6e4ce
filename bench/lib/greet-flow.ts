/** The 3-node flow the endpoint benchmarks publish: a prompt, a transform and a coalesce. */
export const GREET_FLOW = `weir: 1
name: greet
inputs: { name: { type: string } }
outputs:
  greeting: \${done.output}
nodes:
  - name: prompt
    type: prompt
    inputs: { name: \${inputs.name} }
    config: { template: "Hello, {{ name }}!" }
  - name: shape
    type: transform
    inputs: { text: \${prompt.output} }
    config: { expression: "text" }
  - name: done
    type: coalesce
    inputs: { value: \${shape.output} }
`;
