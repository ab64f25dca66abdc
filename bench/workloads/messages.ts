// Issue #5: UDP packets per second (plain and batched) and bulk TCP into one
// reused 256 KiB buffer.  Each driver is one program that runs both halves
// (receiver in a second process) and prints one JSON line.

import type { Workload } from './types.js';

const udpCount = 1_000_000;
const bulkBytes = 2 * 1024 ** 3;

const udp: Workload = {
  name: 'udp-pps',
  summary: `${udpCount} 64-byte UDP datagrams over 127.0.0.1 sent flat out, counted by a receiver process ` +
    '(plain: sendto/recv_into; mmsg64: sendmmsg/recvmmsg of 64) x ROUNDS_SCALE',
  metrics: [{ name: 'sent-pps' }, { name: 'recv-pps' }, { name: 'loss-%', decimals: 1, ratio: false }],
  drivers: [
    { name: 'c-sendto', reference: true, requires: ['c'], command: (ctx) => [ctx.cBin('udp'), 'plain', String(ctx.scaled(udpCount))] },
    { name: 'c-mmsg64', requires: ['c'], command: (ctx) => [ctx.cBin('udp'), 'mmsg', String(ctx.scaled(udpCount))] },
    { name: 'python', requires: ['python'], command: (ctx) => ['python3', ctx.python('udp.py'), String(ctx.scaled(udpCount))] },
    { name: 'node-dgram', command: (ctx) => ['node', ctx.js('udp-dgram'), String(ctx.scaled(udpCount))] },
    { name: 'bsd-socket-sendto', requires: ['bsd-socket'], command: (ctx) => ['node', ctx.js('udp-bsd'), 'plain', String(ctx.scaled(udpCount))] },
    { name: 'bsd-socket-mmsg64', requires: ['bsd-socket'], command: (ctx) => ['node', ctx.js('udp-bsd'), 'mmsg', String(ctx.scaled(udpCount))] },
  ],
  timeoutSeconds: 120,
};

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

export const messagesWorkloads: readonly Workload[] = [bulk, udp];
