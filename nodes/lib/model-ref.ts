import { z } from 'zod';
import { names } from '../../engine/flow/resource-fields.ts';
import type { ModelRef } from '../../engine/node-definition.ts';

/** Config fields naming the model a node calls: a deployment, or a connection plus model name. */
export const modelFields = {
  deployment: z.string().min(1).optional().describe('Model deployment to call (a deployment of kind model).').meta(names('deployment')),
  connection: z.string().min(1).optional().describe('OpenAI-compatible connection to call instead of a deployment.').meta(names('connection')),
  model: z.string().min(1).optional().describe('Model name on the connection (with connection only).'),
};

export interface ModelFields {
  deployment?: string;
  connection?: string;
  model?: string;
}

export function checkModelFields(c: ModelFields, issues: z.RefinementCtx): void {
  if ((c.deployment === undefined) === (c.connection === undefined)) {
    issues.addIssue({ code: 'custom', path: ['deployment'], message: 'give exactly one of deployment or connection' });
  } else if (c.connection !== undefined && c.model === undefined) {
    issues.addIssue({ code: 'custom', path: ['model'], message: 'a connection needs the model name to call on it' });
  } else if (c.deployment !== undefined && c.model !== undefined) {
    issues.addIssue({ code: 'custom', path: ['model'], message: 'model goes with connection; a deployment already names its model' });
  }
}

export function modelRef(c: ModelFields): ModelRef {
  return c.deployment !== undefined ? { deployment: c.deployment } : { connection: c.connection!, model: c.model! };
}
