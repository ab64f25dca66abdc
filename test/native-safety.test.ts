// Second-line checks of the raw addon: arguments that would break memory
// safety (or hit the wrong descriptor) must throw TypeError/RangeError or come
// back as -errno, never crash the process or touch memory JS no longer owns.
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
checkNoLeaks();

import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { constants as osConstants } from 'node:os';

// The addon the library loads: BSD_SOCKET_NATIVE names another build (the
// sanitizer build of `npm run test:sanitize`), as in src/native.ts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const addon: any = createRequire(import.meta.url)(process.env['BSD_SOCKET_NATIVE'] ?? '../../build/Release/bsd_socket.node');
/** The readiness path this runtime needs (libuv under Node, the poller thread under Bun and Deno). */
const THREAD = socket.async.reactorState().poller === 'thread';

// The framed calls (recv, recvfrom, send, sendto) read their numbers from the
// call frame: [fd, offset, length, flags, salen, , , result].
const frame = new Float64Array(addon.call_frame as ArrayBuffer, 0, 8); // then 32 data bytes
function framed(name: string, slots: number[], ...buffers: unknown[]): number {
  frame.fill(0);
  frame.set(slots);
  frame[7] = 12345; // a sentinel: a call that throws must not report a result
  addon[name](...buffers);
  return frame[7]!;
}

test('resolver: a null name where one is required throws instead of crashing', async () => {
  for (const name of ['gethostbyname', 'gethostbyname_ex', 'gethostbyaddr', 'getprotobyname']) {
    assert.throws(() => addon[name](null), TypeError, name);
    assert.throws(() => addon[name](undefined), TypeError, name);
    assert.throws(() => addon[`${name}_async`](null), TypeError, `${name}_async`);
  }
  assert.throws(() => addon.getservbyname(null, 'tcp'), TypeError);
  assert.throws(() => addon.getservbyname_async(null, null), TypeError);
  assert.throws(() => addon.getnameinfo(null, 80, 0, 0, 2, 0), TypeError);
  // The nullable ones still take null.
  assert.equal(typeof addon.getservbyname('http', null), typeof addon.getservbyname('http', 'tcp'));
  const r = await addon.getaddrinfo_async(null, null, 0, 0, 0, 0);
  assert.equal(typeof r.gai, 'number');
});

test('inet_pton6: a detached scratch throws instead of writing to memory JS gave away', () => {
  // This file never loads the library, so detaching this environment's
  // scratch breaks nothing else.
  const ab: ArrayBuffer = addon.inet_pton6_scratch;
  assert.equal(addon.inet_pton6('::1'), 16);
  const moved = structuredClone(ab, { transfer: [ab] });
  assert.equal(ab.byteLength, 0);
  const before = Buffer.from(moved).toString('hex');
  assert.throws(() => addon.inet_pton6('ffff::1'), RangeError);
  assert.equal(Buffer.from(moved).toString('hex'), before);
});

test('32-bit arguments: NaN, Infinity and values past 2**32 are refused, not wrapped', () => {
  // Before the fix, close(2**32 + n) closed descriptor n and close(NaN) fd 0.
  const sv = new Int32Array(2);
  assert.equal(addon.socketpair(addon.constants.AF_UNIX, addon.constants.SOCK_STREAM, 0, sv), 0);
  try {
    for (const bad of [2 ** 32 + sv[0]!, NaN, Infinity, -Infinity, -(2 ** 31) - 1]) {
      assert.throws(() => addon.close(bad), RangeError, String(bad));
      assert.throws(() => addon.poll(bad, 1, 0), RangeError, String(bad));
      assert.throws(() => addon.get_nonblocking(bad), RangeError, String(bad));
    }
    assert.equal(addon.get_nonblocking(sv[0]), 0); // still open
    // The unsigned half still wraps as a C int does (flag words).
    assert.ok(addon.get_nonblocking(2 ** 31 + 5) < 0);
    assert.throws(() => framed('recv', [2 ** 32 + sv[0]!, 0, 4, 0], Buffer.alloc(4)), RangeError);
    for (const bad of [NaN, -1, Infinity, 2 ** 31]) {
      assert.throws(() => framed('send', [bad, 0, 1, 0], Buffer.alloc(4)), RangeError, String(bad));
    }
    assert.throws(() => framed('recv', [sv[0]!, 0, 4, 2 ** 32], Buffer.alloc(4)), RangeError);
    assert.throws(() => framed('recv', [sv[0]!, 0, 4, NaN], Buffer.alloc(4)), RangeError);
    assert.equal(frame[7], 12345);
  } finally {
    addon.close(sv[0]);
    addon.close(sv[1]);
  }
});

test('reactor: a detached queue is never written; a single report still arrives as arguments', async () => {
  const queue = new Int32Array(8);
  const calls: unknown[][] = [];
  // dispatch(0) is a readiness round asking for a guess, not a report (the
  // undefined it gets back declines the guess): only reports are recorded.
  const r = addon.reactor_init((...args: unknown[]) => { if (args[0] !== 0) calls.push(args); }, queue, new Int32Array(2), THREAD);
  const a = new Int32Array(2);
  const b = new Int32Array(2);
  assert.equal(addon.socketpair(addon.constants.AF_UNIX, addon.constants.SOCK_STREAM, 0, a), 0);
  assert.equal(addon.socketpair(addon.constants.AF_UNIX, addon.constants.SOCK_STREAM, 0, b), 0);
  const s1 = r.open(a[0]);
  const s2 = r.open(b[0]);
  try {
    assert.ok(s1 >= 0 && s2 >= 0);
    structuredClone(queue.buffer, { transfer: [queue.buffer] });
    assert.equal(queue.length, 0);
    // Two reports per loop turn travel through the queue: with the queue
    // detached they are dropped, never written to freed memory.
    assert.equal(r.arm(s1, 2), 0); // writable at once
    assert.equal(r.arm(s2, 2), 0);
    await new Promise((res) => setTimeout(res, 30));
    // libuv reports both in one loop turn. The poller thread (Bun, Deno) may
    // catch s1 alone before s2 is armed: a single report, as arguments.
    if (!THREAD) assert.equal(calls.length, 0);
    assert.ok(calls.every((c) => c.length === 3 && c[0] === 1), 'only single reports reach dispatch');
    calls.length = 0;
    // One report travels as arguments (count 1, slot, events): no queue involved.
    assert.equal(r.arm(s2, 0), 0);
    await new Promise((res) => setTimeout(res, 30));
    assert.ok(calls.length > 0);
    assert.deepEqual(calls[0], [1, s1, 2]);
  } finally {
    r.close(s1);
    r.close(s2);
    for (const fd of [...a, ...b]) addon.close(fd);
  }
});

test('adversarial arguments throw or return -errno', () => {
  const misaligned = new Uint8Array(new ArrayBuffer(300), 1, 136);
  assert.throws(() => addon.getsockname(0, misaligned), RangeError);
  assert.throws(() => addon.encode_inet(new Uint8Array(new ArrayBuffer(256), 1, 128), Buffer.alloc(4), 80),
    RangeError);
  assert.throws(() => addon.encode_inet(Buffer.alloc(8), Buffer.alloc(4), 80), RangeError);
  assert.throws(() => addon.bind(0, Buffer.alloc(128), 1e12), RangeError);
  assert.throws(() => addon.bind(0, Buffer.alloc(128), -1), RangeError);
  assert.throws(() => addon.bind(0, Buffer.alloc(16), 17), RangeError);
  assert.throws(() => framed('recv', [0, -1, 4, 0], Buffer.alloc(8)), RangeError);
  assert.throws(() => framed('recv', [0, 4, 5, 0], Buffer.alloc(8)), RangeError);
  assert.throws(() => framed('recv', [0, NaN, 1, 0], Buffer.alloc(8)), RangeError);
  assert.throws(() => framed('recv', [0, 0, NaN, 0], Buffer.alloc(8)), RangeError);
  assert.throws(() => framed('recv', [0, 0, Infinity, 0], Buffer.alloc(8)), RangeError);
  assert.throws(() => framed('recv', [0, 0, 5, 0], new DataView(new ArrayBuffer(64), 60)), RangeError);
  assert.throws(() => framed('recvfrom', [0, 0, 9, 0], Buffer.alloc(8), Buffer.alloc(136)), RangeError);
  assert.throws(() => framed('recvfrom', [0, 0, 8, 0], Buffer.alloc(8), Buffer.alloc(16)), RangeError);
  assert.throws(() => framed('send', [0, 0, 3, 0], 'abc'), TypeError);
  assert.throws(() => framed('send', [0, 0, 1, 0]), TypeError);
  assert.throws(() => framed('sendto', [0, 0, 1, 0, 17], Buffer.alloc(1), Buffer.alloc(16)), RangeError);
  assert.throws(() => framed('sendto', [0, 0, 1, 0, 129], Buffer.alloc(1), Buffer.alloc(256)), RangeError);
  assert.throws(() => framed('sendto', [0, 0, 1, 0, -1], Buffer.alloc(1), Buffer.alloc(128)), RangeError);
  assert.throws(() => addon.setsockopt(0, 1, 2, Buffer.alloc(4), 8), RangeError);
  assert.throws(() => addon.recvmsg(0, Buffer.alloc(8), 0, 0, Buffer.alloc(136), Buffer.alloc(4), []),
    RangeError);
  assert.throws(() => addon.recvmsg(0, Buffer.alloc(8), -5, 0, Buffer.alloc(136), new Int32Array(2), []),
    RangeError);
  assert.throws(() => addon.sendmsg(0, [Buffer.alloc(1)], [1, 2], 0, null, 0), RangeError);
  assert.throws(() => addon.sendmsg(0, [Buffer.alloc(1)], [1, 2, 'x'], 0, null, 0), TypeError);
  assert.throws(() => addon.sendmsg(0, [1], null, 0, null, 0), TypeError);
  if (addon.has_mmsg) {
    assert.throws(() => addon.sendmmsg(0, [Buffer.alloc(1)], Buffer.alloc(16), new Int32Array([8, 16]), 0,
      new Int32Array([0]), 1), RangeError);
    // A data index outside the payloads, or shorter than the count.
    assert.throws(() => addon.sendmmsg(0, [Buffer.alloc(1)], null, null, 0, new Int32Array([1]), 1), RangeError);
    assert.throws(() => addon.sendmmsg(0, [Buffer.alloc(1)], null, null, 0, new Int32Array([-1]), 1), RangeError);
    assert.throws(() => addon.sendmmsg(0, [Buffer.alloc(1)], null, null, 0, new Int32Array([0]), 2), RangeError);
    assert.throws(() => addon.sendmmsg(0, [Buffer.alloc(1)], null, null, 0, new Int32Array([0]), -1), RangeError);
    assert.throws(() => addon.recvmmsg(0, Buffer.alloc(10), 10, 2, 0, Buffer.alloc(300), new Int32Array(4)),
      RangeError);
    assert.throws(() => addon.recvmmsg(0, Buffer.alloc(10), 1, 1e9, 0, Buffer.alloc(300), new Int32Array(4)),
      RangeError);
  }
  assert.throws(() => addon.decode_sockaddr(Buffer.alloc(200), 200), RangeError);
  const scratch = Buffer.alloc(136);
  scratch.writeUInt32LE(0xffffffff, 0);
  scratch.writeUInt16LE(addon.constants.AF_UNIX, 8);
  assert.ok(Array.isArray(addon.decode_scratch(scratch)));
  assert.ok(addon.encode_unix(Buffer.alloc(128), Buffer.alloc(200, 65)) < 0);
  assert.throws(() => addon.encode_raw(Buffer.alloc(128), 1, Buffer.alloc(127)), RangeError);
  assert.throws(() => addon.socketpair(1, 1, 0, new Int32Array(1)), RangeError);
  assert.throws(() => addon.reactor_init(() => {}, new Int32Array(1), new Int32Array(2)), /queue must be/);
  assert.throws(() => addon.reactor_init(() => {}, new Int32Array(8)), /missing argument/);
  assert.throws(() => addon.reactor_init(() => {}, new Int32Array(8), new Uint32Array(2)), /control must be/);
  assert.throws(() => addon.reactor_init(() => {}, new Int32Array(8), new Int32Array(1)), /control must be/);
  assert.throws(() => addon.reactor_init(() => {}, new Int32Array(8), new Int32Array(2), 1), /expected a boolean/);
  assert.throws(() => addon.sendfile(1, 0, -1, 5), RangeError);
  assert.deepEqual([addon.cmsg_len(2 ** 53), addon.cmsg_space(-1), addon.cmsg_space(2 ** 31)], [-1, -1, -1]);
  assert.throws(() => addon.inet_pton_into(addon.constants.AF_INET6, '::1', Buffer.alloc(4)), RangeError);
  assert.ok(addon.family_ifindex(Buffer.alloc(100, 65)) < 0);
});

test('call frame: send_small/recv_small move short payloads through the frame\'s own bytes, bounds checked', () => {
  const bytes = new Uint8Array(addon.call_frame as ArrayBuffer, 64); // after the 8 slots
  assert.equal(bytes.length, 32);
  const sv = new Int32Array(2);
  assert.equal(addon.socketpair(addon.constants.AF_UNIX, addon.constants.SOCK_STREAM, 0, sv), 0);
  try {
    bytes.set(Buffer.from('0123456789abcdef0123456789abcdef'));
    assert.equal(framed('send_small', [sv[0]!, 0, 32, 0]), 32);
    bytes.fill(0);
    assert.equal(framed('recv_small', [sv[1]!, 0, 5, 0]), 5);
    assert.equal(Buffer.from(bytes.subarray(0, 6)).toString('latin1'), '01234\0');
    assert.equal(framed('recv_small', [sv[1]!, 0, 32, 0]), 27);
    // A length past the frame's bytes, negative or NaN is refused before any call,
    // and the result slot keeps the sentinel.
    for (const bad of [33, 2 ** 31, -1, NaN, Infinity]) {
      assert.throws(() => framed('recv_small', [sv[1]!, 0, bad, 0]), RangeError, String(bad));
      assert.equal(frame[7], 12345);
      assert.throws(() => framed('send_small', [sv[0]!, 0, bad, 0]), RangeError, String(bad));
    }
    assert.throws(() => framed('send_small', [-1, 0, 1, 0]), RangeError);
    assert.throws(() => framed('recv_small', [sv[1]!, 0, 1, NaN]), RangeError);
    // Errors come back as -errno, as from the buffer forms.
    assert.equal(framed('recv_small', [sv[1]!, 0, 1, addon.constants.MSG_DONTWAIT]), -addon.constants.EAGAIN);
  } finally {
    addon.close(sv[0]);
    addon.close(sv[1]);
  }
});

test('call frame: a transferred frame is still C memory, so the framed calls stay memory-safe', () => {
  // The frame is C memory behind an external ArrayBuffer. Whatever a
  // transfer does to it (Node 20 copies an external buffer and leaves it
  // attached; a runtime that moves the backing store hands the same memory to
  // the new ArrayBuffer), it never frees C's memory, so the calls keep
  // reading live slots. This file never loads the library, so a detached
  // frame here breaks nothing else.
  const sv = new Int32Array(2);
  assert.equal(addon.socketpair(addon.constants.AF_UNIX, addon.constants.SOCK_STREAM, 0, sv), 0);
  try {
    assert.equal(framed('send', [sv[0]!, 0, 2, 0], Buffer.from('hi')), 2);
    const ab: ArrayBuffer = addon.call_frame;
    let moved: ArrayBuffer | undefined;
    try {
      moved = structuredClone(ab, { transfer: [ab] });
    } catch {
      moved = undefined; // refused: nothing was detached
    }
    const live = ab.byteLength > 0 ? ab : moved;
    assert.ok(live !== undefined && live.byteLength === 96); // 8 slots, then 32 data bytes
    const slots = new Float64Array(live, 0, 8);
    slots.set([sv[1]!, 1, 2, 0]);
    const into = Buffer.alloc(3);
    addon.recv(into);
    assert.equal(slots[7], 2);
    assert.equal(into.toString('latin1', 1, 3), 'hi');
  } finally {
    addon.close(sv[0]);
    addon.close(sv[1]);
  }
});

test('sendmsg/recvmsg: an element getter that detaches another buffer cannot leave a stale pointer', () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    // A getter on element 1 transfers element 0's memory away. Because every
    // element is fetched before any pointer is taken, element 0 is seen as
    // detached (0 bytes) instead of a pointer into freed memory.
    const first = new Uint8Array(new ArrayBuffer(64)).fill(7);
    const arr: unknown[] = [first];
    Object.defineProperty(arr, 1, {
      get() { structuredClone(first.buffer, { transfer: [first.buffer] }); return Buffer.from('tail'); },
      enumerable: true,
    });
    const sent = addon.sendmsg(a.fileno(), arr, null, 0, null, 0) as number;
    assert.equal(sent, 4, 'only the live element is sent');
    assert.equal(b.recv(64).toString(), 'tail');
    // recvmsg: the same trick on the receive side scatters only into live memory.
    a.send(Buffer.from('abcdef'));
    const into = new Uint8Array(new ArrayBuffer(8));
    const targets: unknown[] = [into];
    Object.defineProperty(targets, 1, {
      get() { structuredClone(into.buffer, { transfer: [into.buffer] }); return Buffer.alloc(8); },
      enumerable: true,
    });
    const out = new Int32Array(2);
    const items: unknown[] = [];
    const scratch = Buffer.alloc(136);
    const n = addon.recvmsg(b.fileno(), targets, 0, 0, scratch, out, items) as number;
    assert.equal(n, 6);
  } finally {
    a.close();
    b.close();
  }
});

test('sendmmsg: a getter in a later message cannot leave a stale pointer to an earlier one', () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    const first = new Uint8Array(new ArrayBuffer(32)).fill(1);
    const inner: unknown[] = [];
    Object.defineProperty(inner, 0, {
      get() { structuredClone(first.buffer, { transfer: [first.buffer] }); return Buffer.from('second'); },
      enumerable: true,
    });
    const sent = addon.sendmmsg(a.fileno(), [first, inner], null, null, 0, new Int32Array([0, 1]), 2) as number;
    assert.equal(sent, 2);
    assert.equal(b.recv(64).length, 0, 'the detached first message is sent empty, not from freed memory');
    assert.equal(b.recv(64).toString(), 'second');
  } finally {
    a.close();
    b.close();
  }
});

// Found by fuzzing the addon (2026-12-06).

test('recvmsg: an ancillary output array that ignores writes fails the call and closes the received descriptors', () => {
  const pair = new Int32Array(2);
  assert.equal(addon.socketpair(socket.AF_UNIX, socket.SOCK_STREAM, 0, pair), 0);
  const [rx, tx] = [pair[0]!, pair[1]!];
  try {
    const count = (): number => readdirSync('/proc/self/fd').length;
    for (const make of [() => Object.freeze([]), () => Object.seal([]), () => Object.preventExtensions([]),
      () => { const a: unknown[] = []; Object.defineProperty(a, 0, { value: 1, writable: false }); return a; }]) {
      // Three descriptors (of rx itself) in flight.
      assert.equal(addon.sendmsg(tx, [Buffer.from('x')], [socket.SOL_SOCKET, socket.SCM_RIGHTS, new Int32Array([rx, rx, rx])], 0, null, 0), 1);
      const before = count();
      assert.throws(() => addon.recvmsg(rx, [Buffer.alloc(10)], 64, 0, Buffer.alloc(136), new Int32Array(2), make()),
        { name: 'TypeError', message: 'native: the ancillary output array is not writable' });
      assert.equal(count(), before, 'the received descriptors were closed');
    }
  } finally {
    addon.close(rx);
    addon.close(tx);
  }
});

test('gather lists are checked element by element: a hole fails at once, and a huge list before any allocation', () => {
  const holes: unknown[] = [];
  holes.length = 1e8; // a hundred million holes, one allocation of nothing
  const rss = process.memoryUsage.rss();
  assert.throws(() => addon.sendmsg(0, holes, null, 0, null, 0), RangeError); // past the cap: nothing fetched
  const some: unknown[] = [Buffer.alloc(1)];
  some.length = 1 << 20;
  assert.throws(() => addon.sendmsg(0, some, null, 0, null, 0), { name: 'TypeError', message: 'native: expected a bytes-like object' });
  assert.throws(() => addon.recvmsg(0, some, 0, 0, Buffer.alloc(136), new Int32Array(2), []), TypeError);
  // sendmmsg: every payload refers to the same sparse list; the total is capped.
  const sparse: unknown[] = [];
  sparse.length = 1 << 20;
  assert.throws(() => addon.sendmmsg(0, Array(1024).fill(sparse), null, null, 0, new Int32Array(1024), 1024),
    { name: 'RangeError', message: 'native: sendmmsg message has too many buffers' });
  assert.throws(() => addon.sendmmsg(0, [sparse], null, null, 0, new Int32Array(1), 1), TypeError);
  // Nothing above held more than a few MB.
  assert.ok(process.memoryUsage.rss() - rss < 256 * 2 ** 20, 'no allocation in proportion to the holes');
});

test('recvmsg with a huge ancbufsize does not touch the whole control buffer (CPython only mallocs it)', () => {
  const [a, b] = socket.socketpair();
  try {
    a.setblocking(false);
    const before = process.resourceUsage().maxRSS; // KiB
    assert.throws(() => a.recvmsg(1, 2 ** 31 - 1), socket.BlockingIOError);
    assert.throws(() => socket.recv_fds(a, 1, 5e8), socket.BlockingIOError);
    // Zeroing 2 GiB would have committed it: the peak would have grown by ~2 GiB.
    assert.ok(process.resourceUsage().maxRSS - before < 512 * 1024, 'the control buffer was not committed');
  } finally {
    a.close();
    b.close();
  }
});

test('integers read by the addon refuse NaN, the infinities and fractions; booleans must be booleans; poll timeouts fit a C int', () => {
  for (const bad of [NaN, Infinity, -Infinity, 1.5]) {
    assert.throws(() => addon.cmsg_len(bad), { name: 'RangeError', message: 'native: expected an integer' });
    assert.throws(() => addon.cmsg_space(bad), RangeError);
  }
  assert.equal(addon.cmsg_len(8), socket.CMSG_LEN(8));
  // The 32-bit reader (descriptors, flags, events) refuses fractions too.
  assert.throws(() => addon.poll(0, 1.5, 0), { name: 'RangeError', message: 'native: expected an integer' });
  // An embedded NUL is not an address (inet_pton would read the prefix).
  assert.equal(addon.inet_pton(socket.AF_INET, '127.0.0.1\0junk'), null);
  assert.deepEqual([...addon.inet_pton(socket.AF_INET, '127.0.0.1')], [127, 0, 0, 1]);
  assert.throws(() => addon.poll(0, 1, 2 ** 31), { name: 'RangeError', message: 'native: poll timeout out of range' });
  const pair = new Int32Array(2);
  assert.equal(addon.socketpair(socket.AF_UNIX, socket.SOCK_STREAM, 0, pair), 0);
  try {
    for (const bad of [1, 0, 'true', null, undefined, NaN]) {
      assert.throws(() => addon.set_nonblocking(pair[0], bad), { name: 'TypeError', message: 'native: expected a boolean' });
      assert.throws(() => addon.set_inheritable(pair[0], bad), TypeError);
    }
    assert.equal(addon.get_nonblocking(pair[0]), 0, 'nothing was changed');
  } finally {
    addon.close(pair[0]);
    addon.close(pair[1]);
  }
});

test('thread poller, raw: one watcher per descriptor (EEXIST), a closed descriptor is refused (EBADF), close frees the number', () => {
  const r = addon.reactor_init(() => {}, new Int32Array(8), new Int32Array(2), true);
  const a = new Int32Array(2);
  assert.equal(addon.socketpair(addon.constants.AF_UNIX, addon.constants.SOCK_STREAM, 0, a), 0);
  try {
    const s1 = r.open(a[0]);
    assert.ok(s1 >= 0);
    assert.equal(r.open(a[0]), -osConstants.errno.EEXIST);
    assert.equal(r.arm(s1, 1), 0);
    assert.equal(r.state(s1), 1 | 4, 'armed and active, never referenced');
    r.close(s1);
    assert.equal(r.state(s1), -1);
    const s2 = r.open(a[0]);
    assert.ok(s2 >= 0, 'the descriptor can be watched again once its watcher closed');
    addon.close(a[0]);
    assert.equal(r.arm(s2, 1), -osConstants.errno.EBADF);
    r.close(s2);
  } finally {
    addon.close(a[1]);
  }
});
