// 1-byte ping-pong between two Node processes with plain node:net (no
// bsd-socket): the peer every Node user already has.
//
//   node pingpong-net.js unix|tcp ROUNDS [WARMUP]
//
// The parent listens (unix: a path in a fresh temporary directory; tcp:
// 127.0.0.1:0), spawns this file again as the echo side, which connects; both
// set TCP_NODELAY for tcp.  The parent writes 1 byte (one preallocated Buffer)
// and writes the next one from its 'data' callback when the byte comes back.
// Each hop costs a turn of the event loop and a JS callback on both sides.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_WARMUP, emit, fail, intArg, modeArg, now, selfPath, type PingPongMode } from '../lib/common.js';

const PROGRAM = 'pingpong-net';

async function echoSide(mode: PingPongMode, target: string, limit: number): Promise<void> {
  const sock = mode === 'unix'
    ? net.connect({ path: target })
    : net.connect({ host: '127.0.0.1', port: Number(target), noDelay: true });
  if (mode === 'tcp') sock.setNoDelay(true);
  let seen = 0;
  sock.on('data', (d: Buffer) => {
    seen += d.length;
    if (seen > limit) fail(PROGRAM, 'echo side got more bytes than expected');
    sock.write(d);
  });
  sock.on('end', () => sock.end());
  sock.on('error', (e: Error) => fail(PROGRAM, `echo side: ${e.message}`));
  await once(sock, 'close');
}

function ping(sock: net.Socket, rounds: number, one: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let left = rounds;
    const cleanup = (): void => {
      sock.off('data', onData);
      sock.off('error', onError);
      sock.off('close', onClose);
    };
    const onData = (d: Buffer): void => {
      left -= d.length;
      if (left > 0) {
        sock.write(one);
      } else {
        cleanup();
        if (left < 0) reject(new Error('more bytes came back than were sent'));
        else resolve();
      }
    };
    const onError = (e: Error): void => { cleanup(); reject(e); };
    const onClose = (): void => { cleanup(); reject(new Error('echo side closed early')); };
    sock.on('data', onData);
    sock.on('error', onError);
    sock.on('close', onClose);
    if (rounds === 0) { cleanup(); resolve(); return; }
    sock.write(one);
  });
}

async function pingSide(mode: PingPongMode, rounds: number, warmup: number): Promise<void> {
  const server = net.createServer();
  const dir = mode === 'unix' ? mkdtempSync(path.join(os.tmpdir(), 'bsd-bench-')) : undefined;
  if (dir !== undefined) server.listen(path.join(dir, 'pingpong.sock'));
  else server.listen({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const a = server.address();
  if (a === null) fail(PROGRAM, 'server has no address');
  const target = typeof a === 'string' ? a : String(a.port);
  const conn = once(server, 'connection') as Promise<[net.Socket]>;
  const child = spawn(process.execPath, [selfPath(import.meta.url), '--echo', mode, target, String(rounds + warmup)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const [sock] = await conn;
  server.close();
  if (mode === 'tcp') sock.setNoDelay(true);

  const one = Buffer.from('x');
  await ping(sock, warmup, one);
  const t0 = now();
  await ping(sock, rounds, one);
  const t1 = now();
  sock.end();
  const [code, signal] = await exited;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  if (code !== 0) fail(PROGRAM, `echo child exited with ${String(code ?? signal)}`);
  const seconds = t1 - t0;
  emit({ workload: `pingpong-${mode}`, driver: 'node-net', rounds, seconds, metrics: { 'rt/s': rounds / seconds } });
}

const argv = process.argv.slice(2);
if (argv[0] === '--echo') {
  await echoSide(modeArg(argv[1], PROGRAM), argv[2] ?? fail(PROGRAM, 'no target'), intArg(argv[3], 0, 'limit', PROGRAM));
} else {
  const mode = modeArg(argv[0], PROGRAM);
  await pingSide(mode, intArg(argv[1], mode === 'unix' ? 200_000 : 100_000, 'rounds', PROGRAM),
    intArg(argv[2], DEFAULT_WARMUP, 'warmup', PROGRAM));
}
