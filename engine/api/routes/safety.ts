import { Hono } from 'hono';
import { BlocklistBody, PolicyBody } from '../../app/gateway/safety.ts';
import type { Workspace } from '../../app/workspace.ts';
import type { ClassifierSpec } from '../../app/gateway/safety-classifiers.ts';
import type { SafetyPolicy } from '../../safety/index.ts';
import { readJson } from '../body.ts';

/** A policy as the API shows it; `classifier` only when it is not the default (the offline lexicon). */
const policyJson = (name: string, { policy: p, classifier }: { policy: SafetyPolicy; classifier: ClassifierSpec }) => ({
  name, prompt: p.prompt, completion: p.completion, jailbreak: p.jailbreak, blocklists: p.blocklists,
  ...(classifier.type === 'lexicon' ? {} : { classifier }),
});

/** Content-safety policies (Azure's content filters): per-category thresholds for prompts and completions, prompt shields, blocklists, the classifier. */
export function safetyPolicyRoutes(ws: Workspace): Hono {
  const app = new Hono();
  const safety = ws.gateway.safety;
  app.get('/', async (c) => c.json({ data: (await safety.policies()).map((p) => policyJson(p.name, p)) }));
  app.get('/:name', async (c) => c.json(policyJson(c.req.param('name'), await safety.policy(c.req.param('name')))));
  app.put('/:name', async (c) => c.json(policyJson(c.req.param('name'), await safety.putPolicy(c.req.param('name'), await readJson(c, PolicyBody)))));
  app.delete('/:name', async (c) => {
    await safety.deletePolicy(c.req.param('name'), await ws.deployments.list());
    return c.body(null, 204);
  });
  return app;
}

/** Custom blocklists: exact terms (whole words) and RE2 patterns, named in policies. */
export function blocklistRoutes(ws: Workspace): Hono {
  const app = new Hono();
  const safety = ws.gateway.safety;
  app.get('/', async (c) => c.json({ data: await safety.blocklists() }));
  app.get('/:name', async (c) => c.json(await safety.blocklist(c.req.param('name'))));
  app.put('/:name', async (c) => c.json(await safety.putBlocklist(c.req.param('name'), await readJson(c, BlocklistBody))));
  app.delete('/:name', async (c) => {
    await safety.deleteBlocklist(c.req.param('name'));
    return c.body(null, 204);
  });
  return app;
}
