// Issue #4: resolver micro-benchmark.  getaddrinfo('localhost', 80) (an
// /etc/hosts look-up through the C library) and inet_pton (AF_INET and
// AF_INET6, alternating), calls per second, each driver in its own process.

import type { BenchContext, Driver, Workload } from './types.js';

function resolver(call: 'getaddrinfo' | 'inet_pton', rounds: number): Workload {
  const n = (ctx: BenchContext): string => String(ctx.scaled(rounds));
  const drivers: Driver[] = [
    { name: 'c', reference: true, requires: ['c'], command: (ctx) => [ctx.cBin('resolver'), call, n(ctx)] },
    { name: 'python', requires: ['python'], command: (ctx) => ['python3', ctx.python('resolver.py'), call, n(ctx)] },
    { name: 'bsd-socket', requires: ['bsd-socket'], command: (ctx) => ['node', ctx.js('resolver-bsd'), 'sync', call, n(ctx)] },
  ];
  if (call === 'getaddrinfo') {
    drivers.push({
      name: 'bsd-socket-async',
      requires: ['bsd-socket'],
      command: (ctx) => ['node', ctx.js('resolver-bsd'), 'async', call, n(ctx)],
    });
  }
  return {
    name: `resolver-${call}`,
    summary: call === 'getaddrinfo'
      ? `getaddrinfo('localhost', 80) calls per second (${rounds} x ROUNDS_SCALE; async: 64 in flight on libuv's pool)`
      : `inet_pton calls per second, AF_INET '192.168.1.1' and AF_INET6 'fe80::1:2' alternating (${rounds} x ROUNDS_SCALE)`,
    metrics: [{ name: 'calls/s' }],
    drivers,
    timeoutSeconds: 120,
  };
}

export const resolverWorkloads: readonly Workload[] = [
  resolver('getaddrinfo', 100_000),
  resolver('inet_pton', 4_000_000),
];
