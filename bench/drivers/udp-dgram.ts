// UDP packets per second over loopback with node:dgram (the Node peer).
//
//   node udp-dgram.js COUNT [SIZE=64] [RCVBUF]
//
// A receiver child binds 127.0.0.1:0, prints its port, counts 'message'
// events until COUNT or 300 ms of silence and prints its count and
// first-to-last-datagram time. The parent connects a dgram socket and sends
// COUNT datagrams flat out, yielding to the event loop every 256 sends so the
// send queue drains (a connected send avoids a dns.lookup per datagram).
// RCVBUF, when given and not 0, is the receiver's recvBufferSize (SO_RCVBUF).

import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { emit, fail, intArg, now, selfPath, receiverReport } from '../lib/common.js';

const PROGRAM = 'udp-dgram';

async function receiver(count: number, rcvbuf: number): Promise<void> {
  const s = rcvbuf > 0 ? dgram.createSocket({ type: 'udp4', recvBufferSize: rcvbuf }) : dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  let got = 0;
  let t0 = 0;
  let t1 = 0;
  let timer: NodeJS.Timeout | null = null;
  const finish = (): void => {
    s.close();
    process.stdout.write(JSON.stringify({ got, seconds: t1 - t0 }) + '\n');
  };
  s.on('message', () => {
    t1 = now();
    if (got === 0) t0 = t1;
    got++;
    if (got >= count) { if (timer) clearTimeout(timer); finish(); return; }
    if (timer === null) timer = setTimeout(function check() {
      if (now() - t1 > 0.3) finish(); else timer = setTimeout(check, 100);
    }, 100);
  });
  process.stdout.write(`${s.address().port}\n`);
}

async function sender(count: number, size: number, rcvbuf: number): Promise<void> {
  const child = spawn(process.execPath, [selfPath(import.meta.url), '--recv', String(count), String(rcvbuf)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const port = Number((await lines.next()).value);
  if (!Number.isInteger(port) || port <= 0) fail(PROGRAM, 'receiver gave no port');
  const tx = dgram.createSocket('udp4');
  tx.connect(port, '127.0.0.1');
  await once(tx, 'connect');
  const buf = Buffer.alloc(size, 'x');
  const t0 = now();
  for (let i = 0; i < count; i++) {
    tx.send(buf);
    if ((i & 255) === 255) await new Promise((r) => setImmediate(r));
  }
  await new Promise<void>((r) => tx.send(buf.subarray(0, 0), () => r()));
  const t1 = now();
  tx.close();
  const { got, seconds } = await receiverReport(lines, child);
  const secs = t1 - t0;
  const recvd = Math.min(got, count);
  emit({
    workload: 'udp-pps', driver: 'node-dgram', rounds: count, seconds: secs,
    metrics: { 'sent-pps': count / secs, 'recv-pps': recvd / (seconds > 0 ? seconds : secs), 'loss-%': 100 * (count - recvd) / count },
  });
}

const argv = process.argv.slice(2);
if (argv[0] === '--recv') await receiver(intArg(argv[1], 1_000_000, 'count', PROGRAM), intArg(argv[2], 0, 'rcvbuf', PROGRAM));
else {
  await sender(intArg(argv[0], 1_000_000, 'count', PROGRAM), intArg(argv[1], 64, 'size', PROGRAM),
    intArg(argv[2], 0, 'rcvbuf', PROGRAM));
}
