import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';
import { WeirError } from '../../engine/errors.ts';

/**
 * Server-side request forgery guard for the http node. The check runs inside the socket connector,
 * on the addresses actually dialled, so it also covers DNS answers that change between a check and
 * the connect (rebinding) and every redirect hop — a check on the URL alone would miss both.
 */

const globalUnicast6 = ipaddr.parseCIDR('2000::/3');

/** Why an address is not public ("loopback", "private" …), or undefined when it is public. */
export function nonPublicRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'invalid';
  // `process` unwraps IPv4-mapped IPv6 (::ffff:127.0.0.1) so it is judged as the IPv4 it reaches.
  const ip = ipaddr.process(address);
  const range = ip.range();
  if (range !== 'unicast') return range;
  // Outside 2000::/3 "unicast" only means "not in a listed range" (e.g. ::7f00:1), so refuse it.
  if (ip.kind() === 'ipv6' && !ip.match(globalUnicast6)) return 'non-global';
  return undefined;
}

export function forbiddenTarget(host: string, address: string, range: string): WeirError {
  const shown = host === address ? host : `${host} (${address})`;
  return new WeirError(
    'http_target_forbidden',
    `refusing to connect to ${shown}: it is a ${range} address; set allow_private_network on the connection to allow it`,
    { status: 403 },
  );
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
type Resolver = (host: string, options: dns.LookupAllOptions, cb: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;

/** Both are swappable so tests can stand a local server in for a public host. */
export interface GuardOptions {
  resolve?: Resolver;
  /** Defaults to nonPublicRange: a range name refuses the address, undefined allows it. */
  classify?: (address: string) => string | undefined;
}

/**
 * A `net.connect` lookup that refuses the host if ANY resolved address is not public; refusing only
 * the bad ones would let an attacker's name mix a public and a private answer.
 */
export function guardedLookup({ resolve = dns.lookup, classify = nonPublicRange }: GuardOptions = {}) {
  return (host: string, options: dns.LookupOptions, cb: LookupCallback): void => {
    resolve(host, { ...options, all: true }, (err, addresses) => {
      if (err) return cb(err, []);
      for (const a of addresses) {
        const range = classify(a.address);
        if (range) return cb(forbiddenTarget(host, a.address, range) as NodeJS.ErrnoException, []);
      }
      if (addresses.length === 0) return cb(Object.assign(new Error(`no address for ${host}`), { code: 'ENOTFOUND' }), []);
      if (options.all) return cb(null, addresses);
      return cb(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** Connector that checks IP-literal hosts itself: Node skips `lookup` entirely for those. */
export function guardedConnector(guard: GuardOptions = {}): buildConnector.connector {
  const base = buildConnector({ lookup: guardedLookup(guard) });
  const classify = guard.classify ?? nonPublicRange;
  return (opts, cb) => {
    const host = opts.hostname.replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(host)) {
      const range = classify(host);
      if (range) return cb(forbiddenTarget(host, host, range), null);
    }
    return base(opts, cb);
  };
}

let guarded: Agent | undefined;
let open: Agent | undefined;

/** Shared agents so connections are pooled across runs; the private one is only for trusting connections. */
export function agentFor(allowPrivateNetwork: boolean): Agent {
  if (allowPrivateNetwork) return (open ??= new Agent());
  return (guarded ??= new Agent({ connect: guardedConnector() }));
}

/** A refusal surfaces wrapped in fetch's TypeError("fetch failed"); find it in the cause chain. */
export function findForbidden(err: unknown): WeirError | undefined {
  for (let e = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof WeirError && e.code === 'http_target_forbidden') return e;
  }
  return undefined;
}
