import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { isProblemCode } from '../../engine/error-codes.ts';
import { WeirError } from '../../engine/errors.ts';
import type { CheckProblem } from '../../engine/node-definition.ts';
import { compileInline, resolveInside, templateErrorMessage, type CompiledTemplate } from './templates.ts';

/** The config fields of a node whose text comes from a Jinja template, inline or in a file. */
export const templateFields = {
  template: z.string().optional().describe('Inline Jinja template text; its variables are the node inputs.'),
  template_file: z.string().min(1).optional().describe('Template file, relative to the folder of the flow file (e.g. prompts/answer.jinja2).'),
};

export interface TemplateSource {
  template?: string;
  template_file?: string;
}

/** Use in a config's superRefine: exactly one of the two fields. */
export function checkOneTemplate(c: TemplateSource, issues: z.RefinementCtx): void {
  if ((c.template === undefined) === (c.template_file === undefined)) {
    issues.addIssue({ code: 'custom', path: ['template'], message: 'give exactly one of template or template_file' });
  }
}

/** A compile failure as a problem: syntax errors and includes that are missing keep their own code. */
function compileProblem(err: unknown, what: string, at: string): CheckProblem {
  const code = err instanceof WeirError && isProblemCode(err.code) ? err.code : 'template_syntax';
  const lead = code === 'template_syntax' ? 'template syntax error' : 'template';
  return { code, message: `${lead}${what}: ${templateErrorMessage(err)}`, path: [at] };
}

/** One loader for both `check` (report) and `prepare` (throw), so they can never disagree. */
export function loadTemplate(c: TemplateSource, flowDir: string | undefined): CompiledTemplate | CheckProblem {
  if (c.template_file === undefined) {
    try {
      return compileInline(c.template ?? '', flowDir);
    } catch (err) {
      return compileProblem(err, '', 'template');
    }
  }
  const file = c.template_file;
  if (flowDir === undefined) {
    return { code: 'template_not_found', message: `template_file "${file}" needs a flow folder; a stored flow must use an inline template`, path: ['template_file'] };
  }
  const full = resolveInside(flowDir, file);
  if (full === undefined) return { code: 'template_outside_flow', message: `template_file "${file}" is outside the flow folder`, path: ['template_file'] };
  if (!existsSync(full)) return { code: 'template_not_found', message: `template_file "${file}" does not exist`, path: ['template_file'] };
  try {
    return compileInline(readFileSync(full, 'utf8'), flowDir);
  } catch (err) {
    return compileProblem(err, ` in "${file}"`, 'template_file');
  }
}

export function isProblem(x: CompiledTemplate | CheckProblem): x is CheckProblem {
  return typeof (x as CheckProblem).code === 'string';
}

/** `check` for a template node: its problems, if any. */
export function templateProblems(c: TemplateSource, flowDir: string | undefined): CheckProblem[] {
  const loaded = loadTemplate(c, flowDir);
  return isProblem(loaded) ? [loaded] : [];
}

/** `prepare` for a template node: the compiled template, or the problem as an error. */
export function prepareTemplate(c: TemplateSource, flowDir: string | undefined): CompiledTemplate {
  const loaded = loadTemplate(c, flowDir);
  if (isProblem(loaded)) throw new WeirError(loaded.code, loaded.message, { path: ['config', ...(loaded.path ?? [])] });
  return loaded;
}
