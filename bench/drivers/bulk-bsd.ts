// Bulk TCP throughput over loopback with bsd-socket's blocking API.
//
//   node bulk-bsd.js BYTES
//
// The parent listens on 127.0.0.1:0 and spawns a sender child that connects
// and sendall()s BYTES from one 256 KiB Buffer; the parent recv_into()s one
// reused 256 KiB Buffer until EOF (nothing allocated per call), timing from
// the first byte to EOF. Same system calls as bench/c/bulk.c.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as socket from 'bsd-socket';
import { emit, fail, intArg, now, selfPath } from '../lib/common.js';

const PROGRAM = 'bulk-bsd';
const CHUNK = 256 * 1024;

function sender(port: number, total: number): void {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.connect(['127.0.0.1', port]);
  const buf = Buffer.alloc(CHUNK, 'x');
  let sent = 0;
  while (sent < total) {
    const n = Math.min(CHUNK, total - sent);
    s.sendall(n === CHUNK ? buf : buf.subarray(0, n));
    sent += n;
  }
  s.close();
}

async function receiver(total: number): Promise<void> {
  const l = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  l.bind(['127.0.0.1', 0]);
  l.listen();
  const port = (l.getsockname() as [string, number])[1];
  const child = spawn(process.execPath, [selfPath(import.meta.url), '--send', String(port), String(total)], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = once(child, 'exit');
  l.settimeout(60);
  const [conn] = l.accept();
  l.close();
  conn.setblocking(true);
  const buf = Buffer.alloc(CHUNK);
  let got = 0;
  let t0 = 0;
  for (;;) {
    const n = conn.recv_into(buf);
    if (n === 0) break;
    if (got === 0) t0 = now();
    got += n;
  }
  const t1 = now();
  conn.close();
  await exited;
  if (got !== total) fail(PROGRAM, `received ${got} of ${total}`);
  emit({ workload: 'bulk-tcp', driver: 'bsd-socket-recv_into', rounds: total, seconds: t1 - t0, metrics: { 'GB/s': total / (t1 - t0) / 1e9 } });
}

const argv = process.argv.slice(2);
if (argv[0] === '--send') sender(intArg(argv[1], 0, 'port', PROGRAM), intArg(argv[2], 0, 'bytes', PROGRAM));
else await receiver(intArg(argv[0], 2 ** 31, 'bytes', PROGRAM));
