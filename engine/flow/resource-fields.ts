/**
 * A node's config field that names something the server holds (a deployment, a data index, a
 * connection) says so in its schema: `.meta(names('deployment'))`. The key travels in the config's
 * JSON Schema (GET /api/node-types), so the studio draws a picker for it, and validation warns of a
 * name that does not exist, without either knowing any node type.
 */
export const RESOURCE_KEY = 'x-weir-resource';

export type ResourceKind = 'deployment' | 'index' | 'connection';

export const RESOURCE_KINDS: readonly ResourceKind[] = ['deployment', 'index', 'connection'];

/** Schema metadata marking a string field as the name of a `kind`. */
export const names = (kind: ResourceKind): Record<string, string> => ({ [RESOURCE_KEY]: kind });
