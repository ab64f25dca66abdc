// Every workload of the suite, in table order.  A new workload: a file in this
// directory exporting `Workload`s (see types.ts), listed here.

import { pingpongWorkloads } from './pingpong.js';
import { messagesWorkloads } from './messages.js';
import { resolverWorkloads } from './resolver.js';
import { asyncWorkloads } from './async.js';
import type { Workload } from './types.js';

export const workloads: readonly Workload[] = [
  ...pingpongWorkloads,
  ...messagesWorkloads,
  ...resolverWorkloads,
  ...asyncWorkloads,
  // bulk TCP recv_into, UDP pps (plain / batched), echo server x 100 clients,
  // async ping-pong: to come (DESIGN §6).
];
