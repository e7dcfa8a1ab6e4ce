import { z } from 'zod';
import { defineNode } from '../engine/node-definition.ts';
import { checkOneTemplate, prepareTemplate, templateFields, templateProblems } from './lib/template-source.ts';
import { render } from './lib/templates.ts';

const config = z.object(templateFields).strict().superRefine(checkOneTemplate);

export const promptNode = defineNode({
  type: 'prompt',
  title: 'Prompt',
  category: 'text',
  description: 'Renders a Jinja template with the node inputs as variables and outputs the text.',
  inputs: {},
  extraInputs: z.any(),
  output: z.string(),
  config,
  check: (c, env) => templateProblems(c, env.flowDir),
  prepare: (c, env) => prepareTemplate(c, env.flowDir),
  run(ctx, inputs, _c, template) {
    ctx.throwIfAborted();
    return render(template, inputs, 'the prompt template', ctx);
  },
});
