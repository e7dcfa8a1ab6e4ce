import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's id, as its answer's x-request-id says (the usage record's id for deployment calls). */
    requestId: string;
  }
}

const SHAPE = /^[\w.-]{1,128}$/;

/** The caller's x-request-id when it is a plain token, else a new one; set on the answer and kept on the context. */
export const requestIds: MiddlewareHandler = async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && SHAPE.test(incoming) ? incoming : randomUUID();
  c.header('x-request-id', id);
  c.set('requestId', id);
  await next();
};
