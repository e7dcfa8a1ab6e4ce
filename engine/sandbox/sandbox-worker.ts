import { evaluateTask } from './jsonata-eval.ts';
import type { PostedTask, SandboxOutcome } from './sandbox-task.ts';
import { renderTask } from './template-task.ts';
import { lowerThreadPriority } from './thread-priority.ts';

// A runaway on this thread must not take the CPU the event loop needs (see thread-priority.ts).
lowerThreadPriority();

/**
 * A sandbox thread (piscina worker): runs one pure task by kind and answers with data, never with a
 * thrown value (JSONata throws plain objects, and structured cloning keeps only an Error's message).
 * Each kind's handler gets the payload and the deadline; keep handlers free of I/O and host objects.
 */
const handlers: { [K in PostedTask['kind']]: (task: Extract<PostedTask, { kind: K }>) => Promise<SandboxOutcome> | SandboxOutcome } = {
  jsonata: (task) => evaluateTask(task.payload),
  template: (task) => renderTask(task.payload, task.deadline),
};

export default async function runTask(task: PostedTask): Promise<SandboxOutcome> {
  const handler = handlers[task.kind] as ((t: PostedTask) => Promise<SandboxOutcome> | SandboxOutcome) | undefined;
  if (!handler) return { ok: false, failure: { code: 'sandbox_failed', message: `unknown sandbox task kind "${String(task.kind)}"` } };
  return handler(task);
}
