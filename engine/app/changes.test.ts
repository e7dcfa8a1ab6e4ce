import { describe, expect, it, vi } from 'vitest';
import { MemoryBus, MemoryHub } from '../bus/memory-bus.ts';
import type { Bus } from '../bus/types.ts';
import { Changes, type Change } from './changes.ts';

/** Two instances' change feeds over one shared bus, with what each listener saw. */
async function twoInstances() {
  const hub = new MemoryHub();
  const seen = { a: [] as Change[], b: [] as Change[] };
  const a = new Changes(new MemoryBus(hub));
  const b = new Changes(new MemoryBus(hub));
  a.on((c) => seen.a.push(c));
  b.on((c) => seen.b.push(c));
  await a.start();
  await b.start();
  return { hub, a, b, seen };
}

describe('changes told between instances', () => {
  it('applies a change where it is made at once, and on every other instance once', async () => {
    const { a, b, seen } = await twoInstances();
    const made = a.announce({ kind: 'deployment', name: 'prod' });
    // Applied here before the message went anywhere: this instance's next call sees it.
    expect(seen.a).toEqual([{ kind: 'deployment', name: 'prod' }]);
    await made;
    await vi.waitFor(() => expect(seen.b).toEqual([{ kind: 'deployment', name: 'prod' }]));
    await b.announce({ kind: 'keys', deployment: 'prod' });
    await vi.waitFor(() => expect(seen.a).toHaveLength(2));
    // Nobody applies its own message a second time when it comes back over the bus.
    await new Promise((r) => setTimeout(r, 10));
    expect(seen.a).toEqual([{ kind: 'deployment', name: 'prod' }, { kind: 'keys', deployment: 'prod' }]);
    expect(seen.b).toEqual([{ kind: 'deployment', name: 'prod' }, { kind: 'keys', deployment: 'prod' }]);
  });

  it('ignores what is not a change: other shapes on the channel never reach the caches', async () => {
    const { hub, seen } = await twoInstances();
    const other = new MemoryBus(hub);
    for (const m of [null, 'x', { from: 'z' }, { from: 'z', change: { kind: 'deployment' } }, { from: 'z', change: { kind: 'flow', name: 3 } }, { from: 'z', change: { kind: 'drop-tables' } }]) {
      await other.publish('changes', m);
    }
    await other.publish('changes', { from: 'z', change: { kind: 'flow', name: 'f' } });
    await vi.waitFor(() => expect(seen.a).toEqual([{ kind: 'flow', name: 'f' }]));
    expect(seen.b).toEqual([{ kind: 'flow', name: 'f' }]);
  });

  it('drops everything after the bus reconnects: messages sent meanwhile were missed', async () => {
    let reconnect = () => {};
    const bus: Bus = Object.assign(new MemoryBus(), {
      onReconnect: (l: () => void) => {
        reconnect = l;
        return () => {};
      },
    });
    const changes = new Changes(bus);
    const seen: Change[] = [];
    changes.on((c) => seen.push(c));
    await changes.start();
    reconnect();
    expect(seen).toEqual([{ kind: 'all' }]);
  });

  it('a bus that is away loses the message but not the change here', async () => {
    const bus = new MemoryBus();
    const changes = new Changes(bus);
    const seen: Change[] = [];
    changes.on((c) => seen.push(c));
    await bus.close();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await changes.announce({ kind: 'flow', name: 'f' });
      expect(seen).toEqual([{ kind: 'flow', name: 'f' }]);
      expect(errors).toHaveBeenCalledWith(expect.stringContaining('could not tell other instances'), expect.any(String));
    } finally {
      errors.mockRestore();
    }
  });
});
