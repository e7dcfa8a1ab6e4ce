import { existsSync } from 'node:fs';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import { WeirError } from '../engine/errors.ts';
import { defineNode, type CheckProblem } from '../engine/node-definition.ts';
import { compileInline, createTemplateEnv, render, resolveInside, templateErrorMessage } from './lib/templates.ts';

const config = z
  .object({
    template: z.string().optional().describe('Inline Jinja template text; its variables are the node inputs.'),
    template_file: z
      .string()
      .min(1)
      .optional()
      .describe('Template file, relative to the folder of the flow file (e.g. prompts/answer.jinja2).'),
  })
  .strict()
  .superRefine((c, issues) => {
    if ((c.template === undefined) === (c.template_file === undefined)) {
      issues.addIssue({ code: 'custom', path: ['template'], message: 'give exactly one of template or template_file' });
    }
  });

type PromptConfig = z.output<typeof config>;

/** One loader for both `check` (report) and `prepare` (throw), so they can never disagree. */
function load(c: PromptConfig, flowDir: string | undefined): nunjucks.Template | CheckProblem {
  if (c.template_file === undefined) {
    try {
      return compileInline(createTemplateEnv(flowDir), c.template ?? '');
    } catch (err) {
      return { code: 'template_syntax', message: `template syntax error: ${templateErrorMessage(err)}`, path: ['template'] };
    }
  }
  const file = c.template_file;
  if (flowDir === undefined) {
    return {
      code: 'template_not_found',
      message: `template_file "${file}" needs a flow folder; a stored flow must use an inline template`,
      path: ['template_file'],
    };
  }
  const full = resolveInside(flowDir, file);
  if (full === undefined) {
    return { code: 'template_outside_flow', message: `template_file "${file}" is outside the flow folder`, path: ['template_file'] };
  }
  if (!existsSync(full)) {
    return { code: 'template_not_found', message: `template_file "${file}" does not exist`, path: ['template_file'] };
  }
  try {
    return createTemplateEnv(flowDir).getTemplate(file, true);
  } catch (err) {
    return {
      code: 'template_syntax',
      message: `template syntax error in "${file}": ${templateErrorMessage(err)}`,
      path: ['template_file'],
    };
  }
}

function isProblem(x: nunjucks.Template | CheckProblem): x is CheckProblem {
  return typeof (x as CheckProblem).code === 'string';
}

export const promptNode = defineNode({
  type: 'prompt',
  title: 'Prompt',
  category: 'text',
  description: 'Renders a Jinja template with the node inputs as variables and outputs the text.',
  inputs: {},
  extraInputs: z.any(),
  output: z.string(),
  config,
  check(c, env) {
    const loaded = load(c, env.flowDir);
    return isProblem(loaded) ? [loaded] : [];
  },
  prepare(c, env) {
    const loaded = load(c, env.flowDir);
    if (isProblem(loaded)) throw new WeirError(loaded.code, loaded.message, { path: ['config', ...(loaded.path ?? [])] });
    return loaded;
  },
  run(ctx, inputs, _c, template) {
    ctx.throwIfAborted();
    return render(template, inputs, 'the prompt template');
  },
});
