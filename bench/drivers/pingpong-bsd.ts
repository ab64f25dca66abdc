// 1-byte ping-pong between two Node processes with bsd-socket's blocking API.
//
//   node pingpong-bsd.js recv|recv_into|floor unix|tcp ROUNDS [WARMUP]
//
// unix: the parent makes a socketpair() and hands one end to the echo child as
//       its inherited descriptor 3 (spawn's stdio[3]); the child adopts it with
//       socket.socket(AF_UNIX, SOCK_STREAM, 0, 3).
// tcp:  the parent listens on 127.0.0.1:0 and passes the port in argv; the
//       child connects; both set TCP_NODELAY.
// Both sides make the same blocking calls as bench/c/pingpong.c: send() of one
// preallocated 1-byte Buffer, then recv(1) (variant `recv`, which allocates the
// returned Buffer) or recv_into() of one preallocated 1-byte Buffer (variant
// `recv_into`, which allocates nothing).  The echo side uses the same variant.
// Variant `floor` is not the library: after the same setup, both sides make
// their calls through bench/napi/floor.c, Node-API functions with no arguments
// and no result, the least any Node-API binding can pay per call.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import * as socket from 'bsd-socket';
import { DEFAULT_WARMUP, emit, fail, intArg, modeArg, now, selfPath, type PingPongMode } from '../lib/common.js';

const PROGRAM = 'pingpong-bsd';

type Variant = 'recv' | 'recv_into' | 'floor';

function variantArg(value: string | undefined): Variant {
  if (value === 'recv' || value === 'recv_into' || value === 'floor') return value;
  return fail(PROGRAM, `variant must be recv, recv_into or floor, got ${String(value)}`);
}

/** bench/napi/floor.c, built by the runner into bench/c/bin/floor.node. */
interface Floor {
  setFd(fd: number): void;
  send1(): void;
  recv1(): void;
  eof(): boolean;
  failures(): number;
}

let floorAddon: Floor | null = null;
function floor(s: socket.Socket): Floor {
  if (floorAddon === null) {
    const require = createRequire(import.meta.url);
    floorAddon = require(new URL('../../../bench/c/bin/floor.node', import.meta.url).pathname) as Floor;
  }
  floorAddon.setFd(s.fileno());
  return floorAddon;
}

function floorCheck(f: Floor, side: string): void {
  if (f.failures() !== 0) fail(PROGRAM, `${side}: ${f.failures()} failed calls`);
}

function nodelay(s: socket.Socket): void {
  s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
}

/** Echo until EOF, at most `limit` bytes. */
function echo(s: socket.Socket, variant: Variant, limit: number): void {
  if (variant === 'floor') {
    // Exactly `limit` bytes come; an early EOF makes recv1 return at once, so
    // the loop stays bounded, and eof() reports it.
    const f = floor(s);
    for (let i = 0; i < limit; i++) {
      f.recv1();
      f.send1();
    }
    if (f.eof()) fail(PROGRAM, 'echo side: early EOF');
    floorCheck(f, 'echo side');
  } else if (variant === 'recv') {
    for (let i = 0; i < limit; i++) {
      const b = s.recv(1);
      if (b.length === 0) return;
      if (s.send(b) !== 1) fail(PROGRAM, 'echo side: short send');
    }
  } else {
    const buf = Buffer.alloc(1);
    for (let i = 0; i < limit; i++) {
      if (s.recv_into(buf) === 0) return;
      if (s.send(buf) !== 1) fail(PROGRAM, 'echo side: short send');
    }
  }
}

function ping(s: socket.Socket, variant: Variant, rounds: number, one: Buffer, into: Buffer): void {
  if (variant === 'floor') {
    const f = floor(s);
    for (let i = 0; i < rounds; i++) {
      f.send1();
      f.recv1();
    }
    if (f.eof()) fail(PROGRAM, 'EOF from the echo side');
    floorCheck(f, 'ping side');
  } else if (variant === 'recv') {
    for (let i = 0; i < rounds; i++) {
      if (s.send(one) !== 1) fail(PROGRAM, 'short send');
      if (s.recv(1).length !== 1) fail(PROGRAM, 'EOF from the echo side');
    }
  } else {
    for (let i = 0; i < rounds; i++) {
      if (s.send(one) !== 1) fail(PROGRAM, 'short send');
      if (s.recv_into(into) !== 1) fail(PROGRAM, 'EOF from the echo side');
    }
  }
}

function echoSide(variant: Variant, mode: PingPongMode, port: string, limit: number): void {
  let s: socket.Socket;
  if (mode === 'unix') {
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, 3);
  } else {
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    s.connect(['127.0.0.1', intArg(port, 0, 'port', PROGRAM)]);
    nodelay(s);
  }
  echo(s, variant, limit);
  s.close();
}

async function pingSide(variant: Variant, mode: PingPongMode, rounds: number, warmup: number): Promise<void> {
  const self = selfPath(import.meta.url);
  const limit = String(rounds + warmup);
  let s: socket.Socket;
  let child: ChildProcess;
  if (mode === 'unix') {
    const [a, b] = socket.socketpair();
    child = spawn(process.execPath, [self, '--echo', variant, mode, '-', limit], {
      stdio: ['ignore', 'inherit', 'inherit', b.fileno()],
    });
    b.close();
    s = a;
  } else {
    const l = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    l.bind(['127.0.0.1', 0]);
    l.listen();
    const addr = l.getsockname();
    if (!Array.isArray(addr) || typeof addr[1] !== 'number') fail(PROGRAM, 'getsockname() gave no port');
    child = spawn(process.execPath, [self, '--echo', variant, mode, String(addr[1]), limit], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    l.settimeout(60); // bounded: a child that never connects fails the run
    const [conn] = l.accept();
    l.close();
    conn.setblocking(true);
    nodelay(conn);
    s = conn;
  }
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

  const one = Buffer.from('x');
  const into = Buffer.alloc(1);
  ping(s, variant, warmup, one, into);
  const t0 = now();
  ping(s, variant, rounds, one, into);
  const t1 = now();
  s.close();
  const [code, signal] = await exited;
  if (code !== 0) fail(PROGRAM, `echo child exited with ${String(code ?? signal)}`);
  const seconds = t1 - t0;
  emit({
    workload: `pingpong-${mode}`,
    driver: variant === 'floor' ? 'node-api-floor' : `bsd-socket-${variant}`,
    rounds,
    seconds,
    metrics: { 'rt/s': rounds / seconds },
  });
}

const argv = process.argv.slice(2);
if (argv[0] === '--echo') {
  echoSide(variantArg(argv[1]), modeArg(argv[2], PROGRAM), argv[3] ?? '-', intArg(argv[4], 0, 'limit', PROGRAM));
} else {
  const variant = variantArg(argv[0]);
  const mode = modeArg(argv[1], PROGRAM);
  await pingSide(variant, mode, intArg(argv[2], mode === 'unix' ? 200_000 : 100_000, 'rounds', PROGRAM),
    intArg(argv[3], DEFAULT_WARMUP, 'warmup', PROGRAM));
}
