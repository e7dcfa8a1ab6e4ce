import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../helpers/cluster.ts';

/**
 * Monitors across instances: two real `weir serve` processes on one Postgres and one Redis. A
 * monitor set through one instance samples calls answered by the other; whichever instance's
 * workers take the scoring jobs, the scores land in the shared store; a check asked of both at
 * once raises the alert once.
 */

const A = 0;
const B = 1;
let cluster: Cluster;
let key: string;

const ECHO = `weir: 1
name: echo
inputs: { text: { type: string } }
outputs:
  said: \${shout.output}
nodes:
  - name: shout
    type: transform
    inputs: { text: \${inputs.text} }
    config: { expression: "text" }
`;
const EXACT = `weir: 1
name: exact
inputs: { answer: { type: string } }
outputs:
  score: \${judge.output}
nodes:
  - name: judge
    type: transform
    inputs: { answer: \${inputs.answer} }
    config: { expression: "answer = 'hello' ? 5 : 1" }
`;

beforeAll(async () => {
  cluster = await startCluster({ instances: 2 });
  for (const flow of [ECHO, EXACT]) expect((await cluster.admin(A, 'POST', '/api/flows', flow)).status).toBe(201);
  expect((await cluster.admin(A, 'POST', '/api/flows/echo/publish', {})).status).toBeLessThan(300);
  expect((await cluster.admin(A, 'POST', '/api/deployments', { name: 'echo', flow: 'echo' })).status).toBe(201);
  key = (await cluster.admin(A, 'POST', '/api/deployments/echo/keys', {})).json.key;
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

describe('a monitor shared by the instances', () => {
  it('samples calls answered by either instance, scores them into the shared store, and alerts once', { timeout: 60_000 }, async () => {
    const put = await cluster.admin(A, 'PUT', '/api/deployments/echo/monitor', { sampling_rate: 1, pass_rate: 0.9, evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.said}' } }] });
    expect(put.status, put.text).toBe(200);
    // B reads monitors at most once a second: its first calls may come before it knows of this one.
    await new Promise((ok) => setTimeout(ok, 1200));
    for (const [i, text] of [[A, 'hello'], [B, 'hello'], [B, 'bye'], [A, 'bye']] as const) {
      expect((await cluster.call(i, 'POST', '/deployments/echo/score', { text }, { authorization: `Bearer ${key}` })).status).toBe(200);
    }
    let metrics: any;
    for (let i = 0; i < 60 && metrics?.count !== 4; i++) {
      metrics = (await cluster.admin(i % 2 ? A : B, 'GET', '/api/deployments/echo/monitor')).json.metrics[0];
      if (metrics?.count !== 4) await new Promise((ok) => setTimeout(ok, 200));
    }
    expect(metrics, JSON.stringify(metrics)).toMatchObject({ evaluator: 'exact', count: 4, missing: 0, mean: 3, pass_rate: 0.5 });
    // A check asked of both instances at once: one claims the monitor, one alert.
    const checks = await Promise.all([A, B].map((i) => cluster.admin(i, 'POST', '/api/deployments/echo/monitor/check')));
    expect(checks.map((c) => c.status)).toEqual([200, 200]);
    expect(checks.filter((c) => c.json.checked)).toHaveLength(1);
    const alerts = checks.flatMap((c) => c.json.alerts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ deployment: 'echo', evaluator: 'exact', value: 0.5, threshold: 0.9, samples: 4 });
    expect((await cluster.admin(B, 'GET', '/api/alerts')).json.data.map((a: any) => a.id)).toEqual([alerts[0].id]);
  });
});
