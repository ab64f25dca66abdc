// 1-byte ping-pong with both ends in one event loop, on bsd-socket's Promise
// twins (sock.async.*): the per-hop cost of the readiness machinery.
//
//   node pingpong-async-bsd.js unix|tcp ROUNDS [WARMUP]
//
// unix: an AF_UNIX stream socketpair; tcp: 127.0.0.1 with TCP_NODELAY, the
// pair made with a listener and a connect.  The echo end awaits recv(1) and
// sends it back; the ping end sends one byte and awaits it.  Both ends are
// async functions on the same thread, so every hop is a readiness report, a
// resolved Promise and a retry of the system call.

import * as socket from 'bsd-socket';
import { DEFAULT_WARMUP, emit, fail, intArg, modeArg, now } from '../lib/common.js';

const PROGRAM = 'pingpong-async-bsd';

function pair(mode: 'unix' | 'tcp'): [socket.Socket, socket.Socket] {
  if (mode === 'unix') return socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.bind(['127.0.0.1', 0]);
  srv.listen(1);
  const a = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  a.connect(srv.getsockname());
  const [b] = srv.accept();
  srv.close();
  for (const s of [a, b]) s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
  return [a, b];
}

async function echo(b: socket.Socket, limit: number): Promise<void> {
  for (let i = 0; i <= limit; i++) {
    const d = await b.async.recv(1);
    if (d.length === 0) return;
    await b.async.sendall(d);
  }
  fail(PROGRAM, 'echo side got more bytes than expected');
}

async function ping(a: socket.Socket, rounds: number, one: Buffer): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await a.async.sendall(one);
    const d = await a.async.recv(1);
    if (d.length !== 1) fail(PROGRAM, 'echo side closed early');
  }
}

async function main(): Promise<void> {
  const mode = modeArg(process.argv[2], PROGRAM);
  const rounds = intArg(process.argv[3], 100_000, 'ROUNDS', PROGRAM);
  const warmup = intArg(process.argv[4], DEFAULT_WARMUP, 'WARMUP', PROGRAM);
  const [a, b] = pair(mode);
  const echoed = echo(b, rounds + warmup);
  const one = Buffer.from('x');
  await ping(a, warmup, one);
  const t0 = now();
  await ping(a, rounds, one);
  const seconds = now() - t0;
  a.shutdown(socket.SHUT_WR);
  await echoed;
  a.close();
  b.close();
  emit({ workload: `pingpong-async-${mode}`, driver: 'bsd-socket-async', rounds, seconds, metrics: { 'rt/s': rounds / seconds } });
}

main().catch((e: unknown) => fail(PROGRAM, e instanceof Error ? e.stack ?? e.message : String(e)));
