// Issue #3: the Promise twins on the event loop.
//
// echo: 100 concurrent clients x 2000 sequential 64-byte round trips against
//   an echo server; the client is always bench/c/echo-client (one C epoll
//   program), which spawns the server under test and measures.
// pingpong-async-unix / -tcp: 1-byte ping-pong with both ends in one event
//   loop (one thread for C).

import type { BenchContext, Driver, Workload } from './types.js';

const CLIENTS = '100';

function echo(rounds: number): Workload {
  const client = (ctx: BenchContext, driver: string, server: string[]): string[] =>
    [ctx.cBin('echo-client'), driver, CLIENTS, String(ctx.scaled(rounds)), '--', ...server];
  const drivers: Driver[] = [
    { name: 'c-epoll', reference: true, requires: ['c'], command: (ctx) => client(ctx, 'c-epoll', [ctx.cBin('echo-server')]) },
    { name: 'python-asyncio-sock', requires: ['c', 'python'], command: (ctx) => client(ctx, 'python-asyncio-sock', ['python3', ctx.python('echo-asyncio.py')]) },
    { name: 'node-net', requires: ['c'], command: (ctx) => client(ctx, 'node-net', [process.execPath, ctx.js('echo-net')]) },
    { name: 'bsd-socket-async', requires: ['c', 'bsd-socket'], command: (ctx) => client(ctx, 'bsd-socket-async', [process.execPath, ctx.js('echo-bsd')]) },
    // One thread blocking in a selector: examples/select-server.ts against Python's selectors.
    { name: 'python-selectors', requires: ['c', 'python'], command: (ctx) => client(ctx, 'python-selectors', ['python3', ctx.python('echo-selectors.py')]) },
    { name: 'bsd-socket-selectors', requires: ['c', 'bsd-socket'], command: (ctx) => client(ctx, 'bsd-socket-selectors', [process.execPath, ctx.js('echo-select')]) },
  ];
  return {
    name: 'echo',
    summary: `echo server under ${CLIENTS} concurrent clients x ${rounds} sequential 64-byte round trips x ROUNDS_SCALE (client: one C epoll program)`,
    metrics: [{ name: 'rt/s' }],
    drivers,
    timeoutSeconds: 300,
  };
}

function pingpongAsync(mode: 'unix' | 'tcp', rounds: number): Workload {
  const n = (ctx: BenchContext): string => String(ctx.scaled(rounds));
  return {
    name: `pingpong-async-${mode}`,
    summary: `1-byte ping-pong, both ends in one event loop (one thread for C), over ${mode === 'unix' ? 'an AF_UNIX socketpair' : 'TCP 127.0.0.1 with TCP_NODELAY'} (${rounds} round trips x ROUNDS_SCALE)`,
    metrics: [{ name: 'rt/s' }],
    drivers: [
      { name: 'c-epoll', reference: true, requires: ['c'], command: (ctx) => [ctx.cBin('pingpong-epoll'), mode, n(ctx), '1000'] },
      { name: 'node-net', command: (ctx) => ['node', ctx.js('pingpong-async-net'), mode, n(ctx), '1000'] },
      { name: 'bsd-socket-async', requires: ['bsd-socket'], command: (ctx) => ['node', ctx.js('pingpong-async-bsd'), mode, n(ctx), '1000'] },
    ],
    timeoutSeconds: 300,
  };
}

export const asyncWorkloads: readonly Workload[] = [
  echo(2000),
  pingpongAsync('unix', 200_000),
  pingpongAsync('tcp', 100_000),
];
