// Issue #5: UDP packets per second (plain and batched) and bulk TCP into one
// reused 256 KiB buffer.  Each driver is one program that runs both halves
// (receiver in a second process) and prints one JSON line.

import type { Workload } from './types.js';

const udpCount = 1_000_000;
const bulkBytes = 2 * 1024 ** 3;

/**
 * UDP packets per second. `rcvbuf` 0 keeps the kernel's default receive
 * buffer (rmem_default); otherwise every receiver, C included, sets that
 * SO_RCVBUF, so the loss shows how each implementation keeps up rather than
 * how long the scheduler leaves a woken receiver waiting (bench/README.md).
 */
function udpWorkload(name: string, rcvbuf: number): Workload {
  const extra = rcvbuf > 0 ? ['64', String(rcvbuf)] : [];
  const where = rcvbuf > 0 ? `; every receiver sets SO_RCVBUF to ${rcvbuf / 1024 ** 2} MiB` : '; default SO_RCVBUF';
  return {
    name,
    summary: `${udpCount} 64-byte UDP datagrams over 127.0.0.1 sent flat out, counted by a receiver process ` +
      `(plain: sendto/recv_into; mmsg64: sendmmsg/recvmmsg of 64)${where} x ROUNDS_SCALE`,
    metrics: [{ name: 'sent-pps' }, { name: 'recv-pps' }, { name: 'loss-%', decimals: 1, ratio: false }],
    drivers: [
      { name: 'c-sendto', reference: true, requires: ['c'], command: (ctx) => [ctx.cBin('udp'), 'plain', String(ctx.scaled(udpCount)), ...extra] },
      { name: 'c-mmsg64', requires: ['c'], command: (ctx) => [ctx.cBin('udp'), 'mmsg', String(ctx.scaled(udpCount)), ...extra] },
      { name: 'python', requires: ['python'], command: (ctx) => ['python3', ctx.python('udp.py'), String(ctx.scaled(udpCount)), ...extra] },
      { name: 'node-dgram', command: (ctx) => ['node', ctx.js('udp-dgram'), String(ctx.scaled(udpCount)), ...extra] },
      { name: 'bsd-socket-sendto', requires: ['bsd-socket'], command: (ctx) => ['node', ctx.js('udp-bsd'), 'plain', String(ctx.scaled(udpCount)), ...extra] },
      { name: 'bsd-socket-mmsg64', requires: ['bsd-socket'], command: (ctx) => ['node', ctx.js('udp-bsd'), 'mmsg', String(ctx.scaled(udpCount)), ...extra] },
    ],
    timeoutSeconds: 120,
  };
}

/** 4 MiB: the largest SO_RCVBUF an unprivileged process gets where net.core.rmem_max is 4 MiB, as here. */
const BIG_RCVBUF = 4 * 1024 ** 2;

const bulk: Workload = {
  name: 'bulk-tcp',
  summary: '2 GiB over TCP 127.0.0.1, received into one reused 256 KiB buffer (recv/recv_into) x ROUNDS_SCALE',
  metrics: [{ name: 'GB/s', decimals: 2 }],
  drivers: [
    { name: 'c', reference: true, requires: ['c'], command: (ctx) => [ctx.cBin('bulk'), String(ctx.scaled(bulkBytes))] },
    { name: 'python', requires: ['python'], command: (ctx) => ['python3', ctx.python('bulk.py'), String(ctx.scaled(bulkBytes))] },
    { name: 'bsd-socket-recv_into', requires: ['bsd-socket'], command: (ctx) => ['node', ctx.js('bulk-bsd'), String(ctx.scaled(bulkBytes))] },
  ],
  timeoutSeconds: 120,
};

export const messagesWorkloads: readonly Workload[] = [bulk, udpWorkload('udp-pps', 0), udpWorkload('udp-pps-rcvbuf4m', BIG_RCVBUF)];
