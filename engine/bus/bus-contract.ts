import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Bus, Lock } from './types.ts';

/**
 * What every Bus does, run against each implementation (memory-bus.test.ts, redis-bus.redis.test.ts).
 * `make` opens another bus on the same shared state each time it is called — two instances of Weir.
 * Nothing here measures time: short ttls expire and the tests poll the state until they have.
 */
export function busContract(name: string, make: () => Promise<Bus>): void {
  describe(`${name} bus`, () => {
    const opened: Bus[] = [];
    const open = async () => {
      const bus = await make();
      opened.push(bus);
      return bus;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
    });
    /** Every test uses its own names, so buses sharing one Redis cannot see each other's leftovers. */
    const fresh = (what: string) => `${what}-${randomUUID()}`;
    const poll = { timeout: 10_000, interval: 10 };

    /** Collects what a handler receives. */
    const inbox = () => {
      const got: unknown[] = [];
      return { got, handler: (m: unknown) => void got.push(m) };
    };

    describe('publish and subscribe', () => {
      it('reaches every subscriber, on this instance and on another', async () => {
        const [a, b] = [await open(), await open()];
        const channel = fresh('ch');
        const [a1, a2, b1] = [inbox(), inbox(), inbox()];
        await a.subscribe(channel, a1.handler);
        await a.subscribe(channel, a2.handler);
        await b.subscribe(channel, b1.handler);
        await a.publish(channel, { hello: 'world' });
        await vi.waitFor(() => {
          for (const box of [a1, a2, b1]) expect(box.got).toEqual([{ hello: 'world' }]);
        }, poll);
      });

      it('keeps the order of one publisher and the separation of channels', async () => {
        const [a, b] = [await open(), await open()];
        const [one, other] = [fresh('one'), fresh('other')];
        const [box, otherBox] = [inbox(), inbox()];
        await b.subscribe(one, box.handler);
        await b.subscribe(other, otherBox.handler);
        for (let i = 0; i < 20; i++) await a.publish(one, i);
        await vi.waitFor(() => expect(box.got).toEqual([...Array(20).keys()]), poll);
        expect(otherBox.got).toEqual([]);
      });

      it('stops delivering to a handler once unsubscribed, and only to that one', async () => {
        const [a, b] = [await open(), await open()];
        const channel = fresh('ch');
        const [gone, stays] = [inbox(), inbox()];
        const unsubscribe = await b.subscribe(channel, gone.handler);
        await b.subscribe(channel, stays.handler);
        await unsubscribe();
        await unsubscribe(); // twice is harmless
        await a.publish(channel, 'after');
        await a.publish(channel, 'marker');
        // One channel keeps its order, so once 'marker' is in, 'after' was delivered wherever it would be.
        await vi.waitFor(() => expect(stays.got).toEqual(['after', 'marker']), poll);
        expect(gone.got).toEqual([]);
      });

      it('delivers to the same function subscribed twice until both are unsubscribed', async () => {
        const bus = await open();
        const channel = fresh('ch');
        const box = inbox();
        const first = await bus.subscribe(channel, box.handler);
        await bus.subscribe(channel, box.handler);
        await first();
        await bus.publish(channel, 1);
        await bus.publish(channel, 'marker');
        await vi.waitFor(() => expect(box.got).toEqual([1, 'marker']), poll);
      });

      it('subscribes again after the last subscriber of a channel left', async () => {
        const [a, b] = [await open(), await open()];
        const channel = fresh('ch');
        await (await b.subscribe(channel, () => {}))();
        const box = inbox();
        await b.subscribe(channel, box.handler);
        await a.publish(channel, 'again');
        await vi.waitFor(() => expect(box.got).toEqual(['again']), poll);
      });

      it('sends JSON: each subscriber gets its own parsed copy', async () => {
        const [a, b] = [await open(), await open()];
        const channel = fresh('ch');
        const [x, y] = [inbox(), inbox()];
        await b.subscribe(channel, x.handler);
        await b.subscribe(channel, y.handler);
        await a.publish(channel, { text: 'é ✓ "quoted"', n: 1.5, list: [1, null, true], at: new Date(0), dropped: undefined });
        const expected = { text: 'é ✓ "quoted"', n: 1.5, list: [1, null, true], at: '1970-01-01T00:00:00.000Z' };
        await vi.waitFor(() => expect([...x.got, ...y.got]).toEqual([expected, expected]), poll);
        expect(x.got[0]).not.toBe(y.got[0]);
        await a.publish(channel, null);
        await a.publish(channel, 'plain');
        await vi.waitFor(() => expect(x.got.slice(1)).toEqual([null, 'plain']), poll);
      });

      it('refuses a message that is not JSON', async () => {
        const bus = await open();
        await expect(bus.publish(fresh('ch'), undefined)).rejects.toThrow(TypeError);
        await expect(bus.publish(fresh('ch'), () => 1)).rejects.toThrow(TypeError);
        await expect(bus.publish(fresh('ch'), { big: 1n })).rejects.toThrow(TypeError);
      });

      it('keeps delivering to the others when a handler throws or rejects', async () => {
        const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
        try {
          const bus = await open();
          const channel = fresh('ch');
          const box = inbox();
          await bus.subscribe(channel, () => {
            throw new Error('subscriber bug');
          });
          await bus.subscribe(channel, async () => {
            throw new Error('async subscriber bug');
          });
          await bus.subscribe(channel, box.handler);
          await bus.publish(channel, 1);
          await bus.publish(channel, 2);
          await vi.waitFor(() => expect(box.got).toEqual([1, 2]), poll);
          await vi.waitFor(() => expect(quiet).toHaveBeenCalledTimes(4), poll);
        } finally {
          quiet.mockRestore();
        }
      });
    });

    describe('counters', () => {
      it('start at 0 and add integers, negative ones too', async () => {
        const bus = await open();
        const key = fresh('count');
        expect(await bus.get(key)).toBe(0);
        expect(await bus.incr(key, 5)).toBe(5);
        expect(await bus.incr(key, -7)).toBe(-2);
        expect(await bus.get(key)).toBe(-2);
      });

      it('refuse fractions and bad ttls', async () => {
        const bus = await open();
        await expect(bus.incr(fresh('count'), 0.5)).rejects.toMatchObject({ code: 'invalid_argument' });
        await expect(bus.incr(fresh('count'), Number.NaN)).rejects.toMatchObject({ code: 'invalid_argument' });
        await expect(bus.incr(fresh('count'), 1, 0)).rejects.toMatchObject({ code: 'invalid_argument' });
        await expect(bus.incr(fresh('count'), 1, 1.5)).rejects.toMatchObject({ code: 'invalid_argument' });
      });

      it('are atomic: 200 concurrent increments from two instances each get their own value', async () => {
        const [a, b] = [await open(), await open()];
        const key = fresh('count');
        const values = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).incr(key, 1, 60_000)));
        expect(values.sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
        expect(await a.get(key)).toBe(200);
        expect(await b.get(key)).toBe(200);
      });

      it('keep the window the first increment opened, and start a new one after it', async () => {
        const [a, b] = [await open(), await open()];
        const key = fresh('window');
        expect(await a.incr(key, 1, 150)).toBe(1);
        // A later ttl does not prolong the window: if it did, the poll below would never see 0.
        expect(await b.incr(key, 2, 600_000)).toBe(3);
        await vi.waitFor(async () => expect(await b.get(key)).toBe(0), poll);
        expect(await a.incr(key, 4, 600_000)).toBe(4);
        expect(await b.get(key)).toBe(4);
      });

      it('get a window when first incremented without one', async () => {
        const bus = await open();
        const key = fresh('window');
        await bus.incr(key, 1);
        expect(await bus.incr(key, 1, 150)).toBe(2);
        await vi.waitFor(async () => expect(await bus.get(key)).toBe(0), poll);
      });
    });

    describe('locks', () => {
      it('are exclusive across instances until released', async () => {
        const [a, b] = [await open(), await open()];
        const name = fresh('lock');
        const held = await a.lock(name, 60_000);
        expect(held?.name).toBe(name);
        expect(await b.lock(name, 60_000)).toBeUndefined();
        expect(await a.lock(name, 60_000)).toBeUndefined(); // not re-entrant either
        await held!.release();
        const next = await b.lock(name, 60_000);
        expect(next).toBeDefined();
        expect(await a.lock(name, 60_000)).toBeUndefined();
      });

      it('expire when the holder does not release them', async () => {
        const [a, b] = [await open(), await open()];
        const name = fresh('lock');
        expect(await a.lock(name, 100)).toBeDefined();
        const taken = await takeWhenFree(b, name);
        expect(taken.name).toBe(name);
      });

      it('ignore a release or an extend by a holder whose lock expired', async () => {
        const [a, b] = [await open(), await open()];
        const name = fresh('lock');
        const stale = (await a.lock(name, 100))!;
        const current = await takeWhenFree(b, name);
        await stale.release();
        expect(await stale.extend(60_000)).toBe(false);
        expect(await a.lock(name, 60_000)).toBeUndefined(); // still b's
        await current.release();
        expect(await a.lock(name, 60_000)).toBeDefined();
      });

      it('extend while held, and not after release', async () => {
        const [a, b] = [await open(), await open()];
        const [name, probe] = [fresh('lock'), fresh('probe')];
        const held = (await a.lock(name, 150))!;
        expect(await held.extend(600_000)).toBe(true);
        // The probe gets the original ttl after the lock did: once the probe has expired, so would
        // the lock have without the extend.
        await a.lock(probe, 150);
        await takeWhenFree(b, probe);
        expect(await b.lock(name, 60_000)).toBeUndefined();
        await held.release();
        expect(await held.extend(60_000)).toBe(false);
        expect(await b.lock(name, 60_000)).toBeDefined();
      });

      it('refuse a bad ttl', async () => {
        const bus = await open();
        await expect(bus.lock(fresh('lock'), 0)).rejects.toMatchObject({ code: 'invalid_argument' });
        const held = (await bus.lock(fresh('lock'), 60_000))!;
        await expect(held.extend(-1)).rejects.toMatchObject({ code: 'invalid_argument' });
      });

      async function takeWhenFree(bus: Bus, name: string): Promise<Lock> {
        let lock: Lock | undefined;
        await vi.waitFor(async () => {
          lock = await bus.lock(name, 60_000);
          expect(lock).toBeDefined();
        }, poll);
        return lock!;
      }
    });

    describe('close', () => {
      it('stops delivery to its subscribers and refuses later calls; others go on', async () => {
        const [a, b] = [await open(), await open()];
        const channel = fresh('ch');
        const [closedBox, openBox] = [inbox(), inbox()];
        await a.subscribe(channel, closedBox.handler);
        await b.subscribe(channel, openBox.handler);
        await a.close();
        await a.close(); // twice is harmless
        await b.publish(channel, 'after close');
        await b.publish(channel, 'marker');
        await vi.waitFor(() => expect(openBox.got).toEqual(['after close', 'marker']), poll);
        expect(closedBox.got).toEqual([]);
        for (const call of [a.publish(channel, 1), a.subscribe(channel, () => {}), a.incr('k', 1), a.get('k'), a.lock('l', 1_000)]) {
          await expect(call).rejects.toMatchObject({ code: 'closing' });
        }
      });
    });
  });
}
