// Resolver micro-benchmark with bsd-socket.
//
//   node resolver-bsd.js sync|async getaddrinfo|inet_pton ROUNDS
//
// sync getaddrinfo:  socket.getaddrinfo('localhost', 80) in a loop (the libc
//                    call on this thread, as Python and C make it).
// async getaddrinfo: socket.async.getaddrinfo('localhost', 80) with 64 look-ups
//                    in flight on libuv's thread pool.
// sync inet_pton:    inet_pton(AF_INET, '192.168.1.1') and
//                    inet_pton(AF_INET6, 'fe80::1:2'), alternating.
// Prints one JSON line with calls per second over the measured phase (after a
// warm-up of ROUNDS/10 calls).

import * as socket from 'bsd-socket';
import { emit, fail, intArg, now } from '../lib/common.js';

const PROGRAM = 'resolver-bsd';
const IN_FLIGHT = 64;

function gaiSync(n: number): void {
  for (let i = 0; i < n; i++) {
    if (socket.getaddrinfo('localhost', 80).length === 0) fail(PROGRAM, 'no address for localhost');
  }
}

async function gaiAsync(n: number): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < n) {
      started++;
      if ((await socket.async.getaddrinfo('localhost', 80)).length === 0) fail(PROGRAM, 'no address for localhost');
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, n) }, lane));
}

function pton(n: number): void {
  const { AF_INET, AF_INET6, inet_pton } = socket;
  let sink = 0;
  for (let i = 0; i < n >> 1; i++) {
    sink += inet_pton(AF_INET, '192.168.1.1')[0]!;
    sink += inet_pton(AF_INET6, 'fe80::1:2')[0]!;
  }
  if (sink === 0) fail(PROGRAM, 'inet_pton gave nothing');
}

const [mode, call] = process.argv.slice(2);
if (mode !== 'sync' && mode !== 'async') fail(PROGRAM, `mode must be sync or async, got ${String(mode)}`);
if (call !== 'getaddrinfo' && call !== 'inet_pton') fail(PROGRAM, `call must be getaddrinfo or inet_pton, got ${String(call)}`);
if (mode === 'async' && call !== 'getaddrinfo') fail(PROGRAM, 'inet_pton has no async form');
const rounds = intArg(process.argv[4], call === 'getaddrinfo' ? 100_000 : 2_000_000, 'rounds', PROGRAM);
const run = call === 'inet_pton' ? pton : mode === 'sync' ? gaiSync : gaiAsync;
await run(Math.max(2, Math.floor(rounds / 10)));
const t0 = now();
await run(rounds);
const seconds = now() - t0;
const done = call === 'inet_pton' ? (rounds >> 1) * 2 : rounds;
emit({
  workload: `resolver-${call}`,
  driver: mode === 'sync' ? 'bsd-socket' : 'bsd-socket-async',
  rounds: done,
  seconds,
  metrics: { 'calls/s': done / seconds },
});
