// Issue #2: 1-byte ping-pong, 1 byte each way, between two processes, over an
// AF_UNIX stream socketpair and over TCP 127.0.0.1 with TCP_NODELAY.
// The measuring side sends a byte and waits for it to come back, ROUNDS times,
// after a warm-up of 1000 round trips; the echo side is a second process.

import type { BenchContext, Driver, Workload } from './types.js';

const WARMUP = '1000';

function pingpong(mode: 'unix' | 'tcp', rounds: number): Workload {
  const n = (ctx: BenchContext): string => String(ctx.scaled(rounds));
  const drivers: Driver[] = [
    {
      name: 'c',
      reference: true,
      requires: ['c'],
      command: (ctx) => [ctx.cBin('pingpong'), mode, n(ctx), WARMUP],
    },
    {
      name: 'python',
      requires: ['python'],
      command: (ctx) => ['python3', ctx.python('pingpong.py'), mode, n(ctx), WARMUP],
    },
    {
      name: 'node-net',
      command: (ctx) => ['node', ctx.js('pingpong-net'), mode, n(ctx), WARMUP],
    },
    {
      name: 'bsd-socket-recv',
      requires: ['bsd-socket'],
      command: (ctx) => ['node', ctx.js('pingpong-bsd'), 'recv', mode, n(ctx), WARMUP],
    },
    {
      name: 'bsd-socket-recv_into',
      requires: ['bsd-socket'],
      command: (ctx) => ['node', ctx.js('pingpong-bsd'), 'recv_into', mode, n(ctx), WARMUP],
    },
    {
      // Not a library: the least any Node-API binding pays (bench/napi/floor.c).
      name: 'node-api-floor',
      requires: ['bsd-socket', 'node-api'],
      command: (ctx) => ['node', ctx.js('pingpong-bsd'), 'floor', mode, n(ctx), WARMUP],
    },
  ];
  return {
    name: `pingpong-${mode}`,
    summary: mode === 'unix'
      ? `1-byte ping-pong over an AF_UNIX stream socketpair, echo in a second process (${rounds} round trips x ROUNDS_SCALE)`
      : `1-byte ping-pong over TCP 127.0.0.1 with TCP_NODELAY, echo in a second process (${rounds} round trips x ROUNDS_SCALE)`,
    metrics: [{ name: 'rt/s' }],
    drivers,
    timeoutSeconds: 300,
  };
}

export const pingpongWorkloads: readonly Workload[] = [
  pingpong('unix', 200_000),
  pingpong('tcp', 100_000),
];
