/**
 * Many concurrent TCP connections on one event loop: the server here (Promise
 * twins only), the clients in a child process (each process has its own
 * descriptor limit). Every connection echoes its own payload, checked byte
 * for byte by the client; all are open at once before any data flows.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from '../helpers/fds.js';
import { child, lastJson, report, size } from './scale.js';

checkNoLeaks();

const N = size(500, 10_000);
const MiB = 1024 * 1024;

async function recvExactly(s: socket.Socket, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < n) {
    const d = await s.async.recv(n - got);
    if (d.length === 0) throw new Error(`EOF after ${got} of ${n} bytes`);
    parts.push(d);
    got += d.length;
  }
  return Buffer.concat(parts, n);
}

const CLIENTS = `
const [port, n] = process.argv.slice(2).map(Number);
const payload = ${'(seed, n) => { const b = Buffer.allocUnsafe(n); for (let i = 0; i < n; i++) b[i] = (seed * 131 + i * 7 + (i >> 8)) & 0xff; return b; }'};
const socks = new Array(n);
let next = 0;
const t0 = performance.now();
async function connectSome() {
  while (next < n) {
    const i = next++;
    const s = socket.socket();
    socks[i] = s;
    await s.async.connect(['127.0.0.1', port]);
  }
}
await Promise.all(Array.from({ length: 256 }, connectSome));
const connectMs = performance.now() - t0;
process.stdout.write('connected\\n');
let mismatches = 0;
await Promise.all(socks.map(async (s, i) => {
  const len = 1 + ((i * 389) % 4096);
  const out = payload(i, len);
  // The length first (4 bytes), then the bytes; the server echoes the bytes.
  const head = Buffer.alloc(4);
  head.writeUInt32BE(len);
  await s.async.sendall(Buffer.concat([head, out]));
  const parts = [];
  let got = 0;
  while (got < len) {
    const d = await s.async.recv(len - got);
    if (d.length === 0) break;
    parts.push(d);
    got += d.length;
  }
  if (!Buffer.concat(parts).equals(out)) mismatches++;
}));
for (const s of socks) s.close();
process.stdout.write(JSON.stringify({ connectMs, mismatches }) + '\\n');
`;

test(`${N} concurrent TCP connections on one event loop each echo their own bytes (server: twins only)`, async () => {
  const srv = socket.socket();
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(['127.0.0.1', 0]);
  srv.listen(4096);
  const port = (srv.getsockname() as [string, number])[1];
  const before = process.memoryUsage();
  const cli = child(CLIENTS, { args: [String(port), String(N)], timeoutMs: 110_000 });

  let open = 0;
  let maxOpen = 0;
  let accepted = 0;
  let firstAccept = 0;
  let lastAccept = 0;
  let atN: NodeJS.MemoryUsage | null = null;
  const handlers: Array<Promise<void>> = [];
  const serve = async (conn: socket.Socket): Promise<void> => {
    try {
      const len = (await recvExactly(conn, 4)).readUInt32BE(0);
      await conn.async.sendall(await recvExactly(conn, len));
      const eof = await conn.async.recv(1);
      assert.equal(eof.length, 0, 'the client sends nothing after its payload');
    } finally {
      conn.close();
      open--;
    }
  };
  try {
    while (accepted < N) {
      const [conn] = await srv.async.accept();
      if (accepted === 0) firstAccept = performance.now();
      accepted++;
      lastAccept = performance.now();
      open++;
      maxOpen = Math.max(maxOpen, open);
      handlers.push(serve(conn));
      // Every connection open at once, each with a recv twin pending.
      if (accepted === N) {
        await new Promise((r) => setImmediate(r));
        atN = process.memoryUsage();
      }
    }
    await Promise.all(handlers);
  } finally {
    srv.close();
  }
  const r = lastJson(await cli.done);
  assert.equal(r['mismatches'], 0, 'every echo came back byte for byte');
  assert.equal(maxOpen, N, 'all connections were open at once');
  assert.equal(socket.async.reactorState().pending, 0);
  const perConn = (k: 'rss' | 'heapUsed' | 'external'): string => `${(((atN![k] - before[k]) / N) / 1024).toFixed(2)} KiB`;
  report('concurrent connections', {
    connections: N,
    'rss per connection': perConn('rss'),
    'heap per connection': perConn('heapUsed'),
    'external per connection': perConn('external'),
    'accept rate': `${Math.round(N / ((lastAccept - firstAccept) / 1000 || 1))}/s`,
    'client connect phase': `${Math.round(r['connectMs'] as number)} ms`,
    'server rss at peak': `${(atN!.rss / MiB).toFixed(1)} MiB`,
  });
});
