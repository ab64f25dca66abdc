/**
 * Short payloads (up to 32 bytes) travel through the call frame's own bytes
 * instead of a buffer argument (native/bs.h, BS_FRAME_BYTES). These tests
 * cross that size on every send/receive form, blocking and async, and check
 * that bytes land exactly where asked and nowhere else (CPython has no such
 * path; the behaviors are those of BasicSocketPairTest / BufferIOTest).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';

checkNoLeaks();

// Sizes on both sides of the 32-byte frame, and the edges.
const SIZES = [0, 1, 2, 7, 31, 32, 33, 40, 64, 1000];

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + seed) & 0xff;
  return b;
}

test('send/recv and recv_into: every size around the frame\'s 32 bytes arrives intact (test_socket: BasicSocketPairTest)', () => {
  const [a, b] = socket.socketpair();
  try {
    for (const n of SIZES) {
      const msg = pattern(n, n);
      assert.equal(a.send(msg), n);
      assert.deepEqual(n === 0 ? Buffer.alloc(0) : b.recv(n), msg, `recv(${n})`);

      a.sendall(msg);
      // recv_into writes exactly nbytes at the start of a larger buffer: guard bytes stay.
      const into = Buffer.alloc(n + 8, 0xee);
      let got = 0;
      for (let k = 0; got < n && k < 10; k++) got += b.recv_into(into.subarray(got), n - got);
      assert.equal(got, n);
      assert.deepEqual(into.subarray(0, n), msg, `recv_into(${n})`);
      assert.deepEqual(into.subarray(n), Buffer.alloc(8, 0xee), `guard after ${n}`);
    }
  } finally {
    a.close();
    b.close();
  }
});

test('send from a view with an offset, recv_into a view with an offset (test_socket: BufferIOTest)', () => {
  const [a, b] = socket.socketpair();
  try {
    const backing = pattern(100, 3);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 17, 5);
    assert.equal(a.send(view), 5);
    const target = Buffer.alloc(20, 0x55);
    assert.equal(b.recv_into(new Uint8Array(target.buffer, target.byteOffset + 9, 5)), 5);
    assert.deepEqual(target.subarray(9, 14), backing.subarray(17, 22));
    assert.deepEqual(Buffer.concat([target.subarray(0, 9), target.subarray(14)]), Buffer.alloc(15, 0x55));
    // A DataView and an ArrayBuffer are bytes-like too.
    assert.equal(a.send(new DataView(backing.buffer, backing.byteOffset, 3)), 3);
    const ab = new ArrayBuffer(3);
    assert.equal(b.recv_into(ab), 3);
    assert.deepEqual(Buffer.from(ab), backing.subarray(0, 3));
  } finally {
    a.close();
    b.close();
  }
});

test('a short datagram read with MSG_TRUNC reports the full length but writes only nbytes (test_socket: RecvmsgUDPTest.testRecvmsgTrunc, for recv)', () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    a.send(Buffer.from('hello, datagram'));
    const into = Buffer.from('........');
    assert.equal(b.recv_into(into, 2, socket.MSG_TRUNC), 15);
    assert.equal(into.toString('latin1'), 'he......');
    a.send(Buffer.from('hi'));
    assert.deepEqual(b.recv(1, socket.MSG_TRUNC), Buffer.from('h'));
  } finally {
    a.close();
    b.close();
  }
});

test('errors on the short path are the same as on the buffer path (EBADF, BlockingIOError)', () => {
  const [a, b] = socket.socketpair();
  b.setblocking(false);
  assert.throws(() => b.recv(1), socket.BlockingIOError);
  assert.throws(() => b.recv(100), socket.BlockingIOError);
  assert.throws(() => b.recv_into(Buffer.alloc(1)), socket.BlockingIOError);
  a.close();
  b.close();
  for (const call of [() => a.send(Buffer.from('x')), () => a.recv(1), () => a.recv_into(Buffer.alloc(4))]) {
    assert.throws(call, (e: unknown) => e instanceof socket.OSError && e.errno === socket.EBADF);
  }
});

test('async twins: short and long payloads round-trip, recv_into leaves the rest of the buffer alone', async () => {
  const [a, b] = socket.socketpair();
  try {
    for (const n of SIZES.filter((x) => x > 0)) {
      const msg = pattern(n, 100 + n);
      const got = b.async.recv(n);
      assert.equal(await a.async.send(msg), n);
      let data = await got;
      while (data.length < n) data = Buffer.concat([data, await b.async.recv(n - data.length)]);
      assert.deepEqual(data, msg, `async recv(${n})`);

      await a.async.sendall(msg);
      const into = Buffer.alloc(n + 4, 0xee);
      let filled = 0;
      for (let k = 0; filled < n && k < 10; k++) filled += await b.async.recv_into(into.subarray(filled), n - filled);
      assert.deepEqual(into.subarray(0, n), msg, `async recv_into(${n})`);
      assert.deepEqual(into.subarray(n), Buffer.alloc(4, 0xee));
    }
  } finally {
    a.close();
    b.close();
  }
});
