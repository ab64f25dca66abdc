/**
 * Stream views of a stream socket (DESIGN §5): a node:stream Duplex and Web
 * streams over the Promise twins, with the kernel's backpressure.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';

checkNoLeaks();

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('Duplex: bytes both ways, end() shuts the write half, destroy closes the socket', async () => {
  const [a, b] = socket.socketpair();
  const d = socket.toDuplex(b);
  d.write(Buffer.from('to a'));
  assert.equal((await a.async.recv(100)).toString(), 'to a');
  a.send(Buffer.from('to d'));
  const [chunk] = await once(d, 'data') as [Buffer];
  assert.equal(chunk.toString(), 'to d');
  d.end();
  assert.equal((await a.async.recv(100)).length, 0, 'peer sees EOF after end()');
  a.close(); // the Duplex sees EOF; both halves done -> destroyed -> socket closed
  await once(d, 'close');
  assert.equal(b.fileno(), -1);
});

test('Duplex readable backpressure: nothing is read beyond the buffer until consumed', async () => {
  const [a, b] = socket.socketpair();
  const d = socket.toDuplex(b, { readSize: 16384, highWaterMark: 16384 });
  const total = 8 * 1024 * 1024;
  const sent = a.async.sendall(Buffer.alloc(total, 1));
  let done = false;
  void sent.then(() => { done = true; });
  d.pause();
  d.read(0); // start the machinery without consuming
  await delay(100);
  assert.equal(done, false, 'the sender is held back by the kernel');
  assert.ok(d.readableLength <= 2 * 16384, `buffered ${d.readableLength} bytes`);
  let got = 0;
  const reader = (async () => {
    for await (const c of d) {
      got += (c as Buffer).length;
      if (got >= total) break;
    }
  })();
  await sent;
  await reader;
  assert.equal(got, total);
  a.close();
  if (!d.destroyed) d.destroy();
  await once(d, 'close').catch(() => undefined);
});

test('Duplex writable backpressure: write() returns false, then drain once the peer reads', async () => {
  const [a, b] = socket.socketpair();
  const d = socket.toDuplex(b, { highWaterMark: 65536 });
  const chunk = Buffer.alloc(1024 * 1024, 2);
  let writes = 0;
  while (d.write(chunk) && writes < 64) writes++;
  assert.ok(writes < 64, 'write() reported backpressure');
  const drained = once(d, 'drain');
  let got = 0;
  const expected = (writes + 1) * chunk.length;
  for (let i = 0; i < 100_000 && got < expected; i++) got += (await a.async.recv(1 << 20)).length;
  await drained;
  assert.equal(got, expected);
  d.destroy();
  a.close();
});

test('Web streams: read to EOF, write with backpressure, close shuts down and releases the socket', async () => {
  const [a, b] = socket.socketpair();
  const { readable, writable } = socket.toWebStreams(b);
  const writer = writable.getWriter();
  const payload = Buffer.alloc(2 * 1024 * 1024, 3);
  const w = writer.write(payload);
  let got = 0;
  for (let i = 0; i < 100_000 && got < payload.length; i++) got += (await a.async.recv(1 << 20)).length;
  await w;
  assert.equal(got, payload.length);
  await writer.close();
  assert.equal((await a.async.recv(10)).length, 0, 'peer sees EOF');

  const reader = readable.getReader();
  const sender = (async () => {
    for (let i = 0; i < 10; i++) await a.async.sendall(Buffer.alloc(1000, i));
    a.shutdown(socket.SHUT_WR);
  })();
  let n = 0;
  for (let i = 0; i < 10_000; i++) {
    const r = await reader.read();
    if (r.done) break;
    n += r.value.length;
  }
  await sender;
  assert.equal(n, 10_000);
  assert.equal(b.fileno(), -1, 'both sides finished: the socket is closed');
  a.close();
});

test('stream views refuse datagram and closed sockets', () => {
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  assert.throws(() => socket.toDuplex(u), TypeError);
  assert.throws(() => socket.toWebStreams(u), TypeError);
  u.close();
  assert.throws(() => socket.toDuplex(u), (e: unknown) => (e as socket.OSError).code === 'EBADF');
});
