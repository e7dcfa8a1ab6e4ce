/** Two twins of one endpoint loaded in turn, in rounds (who goes first alternates): the figures and the median ratio. */
import autocannon from 'autocannon';
import { machine } from './weir-process.ts';

export interface Target {
  url: string;
  key: string;
  body: string;
}

export async function compareOnOff(bench: string, connections: number, target: (t: 'on' | 'off') => Target, o: { rounds: number; seconds: number; target: number; field?: string }): Promise<number> {
  const run = async (t: 'on' | 'off', duration: number) => {
    const { url, key, body } = target(t);
    const r = await autocannon({ url, method: 'POST', connections, duration, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
    const line = { bench, [o.field ?? 'chain']: t, concurrency: connections, req_per_s: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts, seconds: duration, machine };
    console.log(JSON.stringify(line));
    return line.req_per_s;
  };
  await run('on', 3);
  await run('off', 3);
  const ratios: number[] = [];
  for (let i = 0; i < o.rounds; i++) {
    const order: ('on' | 'off')[] = i % 2 ? ['off', 'on'] : ['on', 'off'];
    const got: Record<string, number> = {};
    for (const t of order) got[t] = await run(t, o.seconds);
    ratios.push(got.on! / got.off!);
  }
  const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
  console.log(JSON.stringify({ bench: `${bench}-${o.field ?? 'chain'}`, ratio_on_vs_off_median: +median.toFixed(3), ratios: ratios.map((x) => +x.toFixed(3)), target: o.target, machine }));
  return median;
}
