// UDP packets per second over loopback with bsd-socket's blocking API.
//
//   node udp-bsd.js plain|mmsg COUNT [SIZE=64] [RCVBUF]
//
// The parent binds the receiving socket on 127.0.0.1:0 and hands it to a
// receiver child as its descriptor 3 (spawn's stdio[3]); the child says
// "ready" on stdout, receives until COUNT datagrams or 300 ms of silence
// (SO_RCVTIMEO, as bench/c/udp.c) and prints its count
// and first-to-last-datagram time. The parent then sends COUNT datagrams flat
// out. plain: sendto() of one Buffer / recv_into() of one Buffer (nothing
// allocated per datagram); mmsg: sendmmsg() of 64 [buffer, address] pairs /
// recvmmsg(64, 2048). Same system calls as bench/c/udp.c. RCVBUF, when given
// and not 0, is set as the receiving socket's SO_RCVBUF before the spawn.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as socket from 'bsd-socket';
import { emit, fail, intArg, now, selfPath, receiverReport } from '../lib/common.js';

const PROGRAM = 'udp-bsd';
const BATCH = 64;
type Mode = 'plain' | 'mmsg';

function modeArg(v: string | undefined): Mode {
  if (v === 'plain' || v === 'mmsg') return v;
  return fail(PROGRAM, `mode must be plain or mmsg, got ${String(v)}`);
}

function receiver(mode: Mode, count: number): void {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 0, 3);
  // bench/c/udp.c's receive timeout: SO_RCVTIMEO on a blocking socket, so an
  // empty queue blocks inside recv/recvmmsg (no poll() and retry); the kernel
  // ends the wait with EAGAIN, raised as BlockingIOError in blocking mode.
  const tv = Buffer.alloc(16);
  tv.writeBigInt64LE(300_000n, 8); // struct timeval { 0 s, 300000 us }
  s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv);
  process.stdout.write('ready\n');
  let got = 0;
  let t0 = 0;
  let t1 = 0;
  const buf = Buffer.alloc(2048);
  try {
    while (got < count) {
      if (mode === 'plain') {
        s.recv_into(buf);
        got++;
      } else {
        got += s.recvmmsg(BATCH, 2048).length;
      }
      t1 = now();
      if (t0 === 0) t0 = t1;
    }
  } catch (e) {
    if (!(e instanceof socket.BlockingIOError)) throw e;
  }
  s.close();
  process.stdout.write(JSON.stringify({ got, seconds: t1 - t0 }) + '\n');
}

async function sender(mode: Mode, count: number, size: number, rcvbuf: number): Promise<void> {
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(['127.0.0.1', 0]);
  if (rcvbuf > 0) rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf);
  const addr = rx.getsockname() as [string, number];
  const child = spawn(process.execPath, [selfPath(import.meta.url), '--recv', mode, String(count)], {
    stdio: ['ignore', 'pipe', 'inherit', rx.fileno()],
  });
  rx.close();
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'ready') fail(PROGRAM, 'receiver did not start');
  const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const buf = Buffer.alloc(size, 'x');
  const t0 = now();
  if (mode === 'plain') {
    for (let i = 0; i < count; i++) tx.sendto(buf, addr);
  } else {
    const batch: socket.MmsgMessage[] = Array.from({ length: BATCH }, () => [buf, addr]);
    let sent = 0;
    while (sent < count) {
      const left = count - sent;
      sent += tx.sendmmsg(left >= BATCH ? batch : batch.slice(0, left));
    }
  }
  const t1 = now();
  tx.close();
  const { got, seconds } = await receiverReport(lines, child);
  const secs = t1 - t0;
  emit({
    workload: 'udp-pps',
    driver: mode === 'plain' ? 'bsd-socket-sendto' : 'bsd-socket-mmsg64',
    rounds: count,
    seconds: secs,
    metrics: { 'sent-pps': count / secs, 'recv-pps': got / (seconds > 0 ? seconds : secs), 'loss-%': 100 * (count - got) / count },
  });
}

const argv = process.argv.slice(2);
if (argv[0] === '--recv') receiver(modeArg(argv[1]), intArg(argv[2], 1_000_000, 'count', PROGRAM));
else {
  await sender(modeArg(argv[0]), intArg(argv[1], 1_000_000, 'count', PROGRAM), intArg(argv[2], 64, 'size', PROGRAM),
    intArg(argv[3], 0, 'rcvbuf', PROGRAM));
}
