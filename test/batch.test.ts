/**
 * sendmmsg / recvmmsg: many datagrams per system call (Linux), and the
 * documented loop of sendmsg/recvmsg elsewhere. No CPython counterpart: the
 * expectations are the kernel's (man sendmmsg(2), recvmmsg(2)).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';
import { runPeer } from './helpers/peer.js';

checkNoLeaks();

function udpPair(family = socket.AF_INET, host = '127.0.0.1'): [socket.Socket, socket.Socket, socket.SockAddr] {
  const rx = socket.socket(family, socket.SOCK_DGRAM);
  const tx = socket.socket(family, socket.SOCK_DGRAM);
  rx.bind([host, 0]);
  tx.bind([host, 0]);
  rx.settimeout(10);
  return [tx, rx, rx.getsockname()];
}

function drain(rx: socket.Socket, n: number, bufsize = 2048): socket.RecvmmsgResult {
  const out: socket.RecvmmsgResult = [];
  for (let i = 0; i < 1000 && out.length < n; i++) out.push(...rx.recvmmsg(64, bufsize));
  return out;
}

test('sendmmsg sends single and gathered buffers, recvmmsg returns [data, address, flags]', () => {
  const [tx, rx, addr] = udpPair();
  try {
    const msgs: socket.MmsgMessage[] = [];
    for (let i = 0; i < 100; i++) {
      const d = Buffer.from(`datagram ${i}`);
      msgs.push(i % 2 === 0 ? [d, addr] : [[d.subarray(0, 3), new Uint8Array(d.subarray(3))], ['127.0.0.1', (addr as [string, number])[1]]]);
    }
    assert.equal(tx.sendmmsg(msgs), 100);
    const got = drain(rx, 100);
    assert.equal(got.length, 100);
    const me = tx.getsockname();
    got.forEach(([data, from, flags], i) => {
      assert.equal(data.toString(), `datagram ${i}`);
      assert.deepEqual(from, me);
      assert.equal(flags, 0);
    });
    // Addresses are independent arrays even when the cache reuses a decoding.
    (got[0]![1] as unknown[])[1] = 0;
    assert.deepEqual(got[1]![1], me);
  } finally {
    tx.close();
    rx.close();
  }
});

test('sendmmsg: a payload repeated across the batch is sent for each message, in order', () => {
  const [tx, rx, to] = udpPair();
  try {
    const one = Buffer.from('one');
    const two = Buffer.from('two');
    const view = new Uint16Array([0x4142]);
    // Repeats are fetched once natively and share their iovecs; interleaved
    // payloads, typed arrays and gathered lists keep their own.
    const msgs: socket.MmsgMessage[] = [[one, to], [one, to], [two, to], [one, to], [view, to], [view, to],
      [[two, one], to], [one, to]];
    assert.equal(tx.sendmmsg(msgs), msgs.length);
    const got = drain(rx, msgs.length).map(([d]) => d.toString('latin1'));
    assert.deepEqual(got, ['one', 'one', 'two', 'one', 'BA', 'BA', 'twoone', 'one']);
  } finally {
    tx.close();
    rx.close();
  }
});

test('the documented loop of sendmsg/recvmsg (platforms without the batch calls) gives the same results', async () => {
  // The fallback runs where the addon has no sendmmsg/recvmmsg; here it is
  // forced by hiding them from the module that chooses.
  const { mnative } = await import(new URL('../../dist/messages.js', import.meta.url).href) as
    { mnative: Record<string, unknown> };
  const saved = { sendmmsg: mnative.sendmmsg, recvmmsg: mnative.recvmmsg };
  const [tx, rx, to] = udpPair();
  try {
    mnative.sendmmsg = undefined;
    mnative.recvmmsg = undefined;
    const one = Buffer.from('one');
    const long = Buffer.alloc(40, 'L');
    const msgs: socket.MmsgMessage[] = [[one, to], [one, to], [long, to], [[one, Buffer.from('+')], to], [one, to]];
    assert.equal(tx.sendmmsg(msgs), msgs.length);
    const got = drain(rx, msgs.length, 16);
    assert.deepEqual(got.map(([d]) => d.toString()), ['one', 'one', 'L'.repeat(16), 'one+', 'one']);
    assert.deepEqual(got.map(([, a]) => a), msgs.map(() => tx.getsockname()));
    assert.ok((got[2]![2] & socket.MSG_TRUNC) !== 0);
  } finally {
    Object.assign(mnative, saved);
    tx.close();
    rx.close();
  }
});

test('recvmmsg truncates each datagram to bufsize and sets MSG_TRUNC', () => {
  const [tx, rx, addr] = udpPair();
  try {
    tx.sendmmsg([[Buffer.from('0123456789'), addr], [Buffer.from('abc'), addr]]);
    const got = drain(rx, 2, 5);
    assert.equal(got[0]![0].toString(), '01234');
    assert.ok(got[0]![2] & socket.MSG_TRUNC);
    assert.equal(got[1]![0].toString(), 'abc');
    assert.equal(got[1]![2] & socket.MSG_TRUNC, 0);
  } finally {
    tx.close();
    rx.close();
  }
});

test('recvmmsg waits for the first datagram, then takes only what is queued (MSG_WAITFORONE)', async () => {
  const [tx, rx] = udpPair();
  tx.close();
  try {
    rx.settimeout(null); // blocking mode: the kernel itself must not wait for all 64
    const port = (rx.getsockname() as [string, number])[1];
    const peer = runPeer('messages', 'sendDatagrams', [port, 3, 16]);
    const seen: number[] = [];
    for (let i = 0; i < 10 && seen.length < 3; i++) {
      const got = rx.recvmmsg(64, 64);
      assert.ok(got.length >= 1 && got.length <= 3);
      for (const [d] of got) seen.push(d.readUInt32BE(0));
    }
    assert.deepEqual(seen, [0, 1, 2]);
    await peer.done;
  } finally {
    rx.close();
  }
});

test('recvmmsg honours the timeout and non-blocking mode', () => {
  const [tx, rx] = udpPair();
  try {
    rx.settimeout(0.05);
    assert.throws(() => rx.recvmmsg(8, 100), (e: unknown) => e instanceof socket.TimeoutError && e.errno === null);
    rx.setblocking(false);
    assert.throws(() => rx.recvmmsg(8, 100), socket.BlockingIOError);
    assert.throws(() => rx.recvmmsg(8, 100, socket.MSG_DONTWAIT), socket.BlockingIOError);
  } finally {
    tx.close();
    rx.close();
  }
});

test('sendmmsg on a connected socket needs no addresses; AF_UNIX datagram pairs too', () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    b.settimeout(10);
    assert.equal(a.sendmmsg([[Buffer.from('x')], [Buffer.from('yy'), null], [[Buffer.from('z'), Buffer.from('zz')]]]), 3);
    const got = b.recvmmsg(8, 16);
    assert.deepEqual(got.map(([d]) => d.toString()), ['x', 'yy', 'zzz']);
    assert.equal(a.sendmmsg([]), 0);
  } finally {
    a.close();
    b.close();
  }
});

test('sendmmsg/recvmmsg over IPv6 keep the full address', { skip: skipReason(socket.AF_INET6, socket.SOCK_DGRAM) ?? false }, () => {
  const [tx, rx, addr] = udpPair(socket.AF_INET6, '::1');
  try {
    assert.equal(tx.sendmmsg([[Buffer.from('six'), addr], [Buffer.from('6'), addr]]), 2);
    const got = drain(rx, 2);
    assert.deepEqual(got.map(([d]) => d.toString()), ['six', '6']);
    assert.deepEqual(got[0]![1], tx.getsockname());
  } finally {
    tx.close();
    rx.close();
  }
});

test('sendmmsg sends at most 1024 messages per call and says how many', () => {
  const [tx, rx, addr] = udpPair();
  try {
    const one = Buffer.alloc(1);
    const msgs = Array.from({ length: 1100 }, (): socket.MmsgMessage => [one, addr]);
    assert.equal(tx.sendmmsg(msgs), 1024);
  } finally {
    tx.close();
    rx.close();
  }
});

test('bad batches are refused before anything is sent', () => {
  const [tx, rx, addr] = udpPair();
  try {
    const send = tx.sendmmsg as (...a: unknown[]) => number;
    assert.throws(() => send.call(tx), TypeError);
    assert.throws(() => send.call(tx, 42), TypeError);
    assert.throws(() => send.call(tx, [Buffer.from('x')]), TypeError);
    assert.throws(() => send.call(tx, [['text', addr]]), TypeError);
    assert.throws(() => send.call(tx, [[[Buffer.from('x'), 'y'], addr]]), TypeError);
    assert.throws(() => send.call(tx, [[Buffer.from('ok'), addr], [Buffer.from('x'), ['127.0.0.1', 70000]]]), RangeError);
    assert.throws(() => send.call(tx, [[Buffer.from('ok'), addr], [Buffer.from('x'), 'not an address']]), TypeError);
    assert.throws(() => send.call(tx, [[Buffer.from('ok'), addr]], {}), TypeError);
    const recv = rx.recvmmsg as (...a: unknown[]) => socket.RecvmmsgResult;
    assert.throws(() => recv.call(rx, 0, 10), RangeError);
    assert.throws(() => recv.call(rx, 1025, 10), RangeError);
    assert.throws(() => recv.call(rx, 4, -1), RangeError);
    assert.throws(() => recv.call(rx, '4', 10), TypeError);
    assert.throws(() => recv.call(rx, 4), TypeError);
    rx.setblocking(false);
    assert.throws(() => rx.recvmmsg(8, 100), socket.BlockingIOError, 'nothing was sent');
  } finally {
    tx.close();
    rx.close();
  }
});

test('sendmmsg raises the error of a first message that fails', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    // No address on an unconnected socket: EDESTADDRREQ.
    assert.throws(() => s.sendmmsg([[Buffer.from('x')]]), (e: unknown) => e instanceof socket.OSError && e.code === 'EDESTADDRREQ');
    s.close();
    assert.throws(() => s.sendmmsg([[Buffer.from('x'), ['127.0.0.1', 9]]]), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
  } finally {
    s.close();
  }
});
