// 1-byte ping-pong with both ends in one event loop, on node:net: the peer of
// pingpong-async-bsd.
//
//   node pingpong-async-net.js unix|tcp ROUNDS [WARMUP]
//
// A net.Server on a Unix path (fresh temporary directory) or 127.0.0.1:0 and
// a net.Socket connected to it, both in this process (noDelay for tcp).  The
// echo end writes back from its 'data' callback; the ping end writes the next
// byte from its own.

import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_WARMUP, emit, fail, intArg, modeArg, now } from '../lib/common.js';

const PROGRAM = 'pingpong-async-net';

function ping(sock: net.Socket, rounds: number, one: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let left = rounds;
    const onData = (d: Buffer): void => {
      left -= d.length;
      if (left > 0) sock.write(one);
      else {
        sock.off('data', onData);
        if (left < 0) reject(new Error('more bytes came back than were sent'));
        else resolve();
      }
    };
    sock.on('data', onData);
    if (rounds === 0) { sock.off('data', onData); resolve(); return; }
    sock.write(one);
  });
}

async function main(): Promise<void> {
  const mode = modeArg(process.argv[2], PROGRAM);
  const rounds = intArg(process.argv[3], 100_000, 'ROUNDS', PROGRAM);
  const warmup = intArg(process.argv[4], DEFAULT_WARMUP, 'WARMUP', PROGRAM);
  const server = net.createServer({ noDelay: true });
  const dir = mode === 'unix' ? mkdtempSync(path.join(os.tmpdir(), 'bsd-bench-')) : undefined;
  if (dir !== undefined) server.listen(path.join(dir, 'pp.sock'));
  else server.listen({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const addr = server.address();
  if (addr === null) fail(PROGRAM, 'server has no address');
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const a = typeof addr === 'string' ? net.connect({ path: addr }) : net.connect({ host: '127.0.0.1', port: addr.port, noDelay: true });
  const [b] = await accepted;
  if (mode === 'tcp') { a.setNoDelay(true); b.setNoDelay(true); }
  b.on('data', (d: Buffer) => b.write(d));
  b.on('end', () => b.end());
  const one = Buffer.from('x');
  await ping(a, warmup, one);
  const t0 = now();
  await ping(a, rounds, one);
  const seconds = now() - t0;
  a.end();
  await once(a, 'close');
  server.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  emit({ workload: `pingpong-async-${mode}`, driver: 'node-net', rounds, seconds, metrics: { 'rt/s': rounds / seconds } });
}

main().catch((e: unknown) => fail(PROGRAM, e instanceof Error ? e.stack ?? e.message : String(e)));
