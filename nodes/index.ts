import type { AnyNodeDefinition } from '../engine/node-definition.ts';
import { coalesceNode } from './coalesce.ts';
import { embedNode } from './embed.ts';
import { flowNode } from './flow.ts';
import { httpNode } from './http.ts';
import { llmNode } from './llm.ts';
import { metricNode } from './metric.ts';
import { metricAggregateNode } from './metric-aggregate.ts';
import { promptNode } from './prompt.ts';
import { pythonNode } from './python.ts';
import { transformNode } from './transform.ts';
import { vectorLookupNode } from './vector-lookup.ts';

/**
 * The single list of node types. The engine receives it and never imports a node file itself;
 * every entry must also have a case in contract-cases.ts or the contract suite fails.
 */
export const builtinNodes: AnyNodeDefinition[] = [promptNode, transformNode, httpNode, coalesceNode, flowNode, llmNode, embedNode, vectorLookupNode, metricNode, metricAggregateNode, pythonNode];
