/**
 * The Promise twins of sendfile, sendmmsg and recvmmsg (DESIGN §3,
 * docs/async.md): the sync tests of test/sendfile.test.ts and
 * test/batch.test.ts, driven by the event loop, plus the twins' contract
 * (timeout, abort during a wait, close while pending, bad arguments reject).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { constants as osConstants, tmpdir } from 'node:os';
import path from 'node:path';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { tcpPair } from './peers/messages-common.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bsd-socket-async-messages-'));
checkNoLeaks(['socket:', 'pipe:', dir]);
test.after(() => rmSync(dir, { recursive: true, force: true }));

const FILESIZE = 4 * 1024 * 1024 + 4321;
const FILEDATA = Buffer.from(randomBytes(FILESIZE).map((b) => 65 + (b % 26)));
const TESTFN = path.join(dir, 'data');
writeFileSync(TESTFN, FILEDATA);
const EMPTY = path.join(dir, 'empty');
writeFileSync(EMPTY, '');

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isEbadf = (e: unknown): boolean => e instanceof socket.OSError && e.errno === osConstants.errno.EBADF;

/** The file position (lseek(fd, 0, SEEK_CUR)), read from /proc. */
function position(fd: number): number {
  const m = /pos:\s+(\d+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  assert.ok(m, 'fdinfo has pos');
  return Number(m[1]);
}

/** O_NONBLOCK of a descriptor, from /proc. */
function nonblocking(fd: number): boolean {
  const m = /flags:\s+([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  assert.ok(m, 'fdinfo has flags');
  return (parseInt(m[1]!, 8) & 0o4000) !== 0;
}

/** Everything a stream socket receives until EOF, read by its twin on this thread. */
async function readAll(sock: socket.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of sock.async) chunks.push(c);
  return Buffer.concat(chunks);
}

async function withFile<T>(p: string, body: (fd: number) => Promise<T>): Promise<T> {
  const fd = openSync(p, 'r');
  try {
    return await body(fd);
  } finally {
    closeSync(fd);
  }
}

/** Nothing queued on the socket, nothing pending in the reactor (a direction may stay armed after a wake-up). */
function nothingPending(sock: socket.Socket): void {
  assert.deepEqual(socket.async.watcherState(sock).waiters, { read: 0, write: 0 });
  assert.equal(socket.async.reactorState().pending, 0);
}

/** After a withdrawn waiter (timeout, abort): also disarmed. */
function noWaiterLeft(sock: socket.Socket): void {
  const st = socket.async.watcherState(sock);
  assert.deepEqual(st.waiters, { read: 0, write: 0 });
  assert.equal(st.active, false, 'the withdrawn direction is disarmed');
  assert.equal(socket.async.reactorState().pending, 0);
}

// ---- sendfile -------------------------------------------------------------------------------

test('sendfile twin sends a whole file over TCP to a reader on the same thread; position at its end', async () => {
  const [cli, conn] = tcpPair();
  try {
    const reader = readAll(conn);
    await withFile(TESTFN, async (fd) => {
      assert.equal(await cli.async.sendfile(fd), FILESIZE);
      assert.equal(position(fd), FILESIZE);
    });
    // A blocking-mode socket was made O_NONBLOCK for the call only.
    assert.equal(cli.gettimeout(), null);
    assert.equal(nonblocking(cli.fileno()), false);
    cli.shutdown(socket.SHUT_WR);
    const got = await reader;
    assert.equal(got.length, FILESIZE);
    assert.equal(sha(got), sha(FILEDATA));
    assert.equal(socket.async.reactorState().pending, 0);
  } finally {
    cli.close();
    conn.close();
  }
});

test('sendfile twin: offset and count on a Unix stream pair, a FileHandle, an empty file', async () => {
  const [a, b] = socket.socketpair();
  try {
    const reader = readAll(b);
    await withFile(TESTFN, async (fd) => {
      assert.equal(await a.async.sendfile(fd, 7, 300000), 300000);
      assert.equal(position(fd), 300007);
      // Options may take the place of the trailing positionals.
      assert.equal(await a.async.sendfile(fd, 300007, { signal: new AbortController().signal }), FILESIZE - 300007);
      assert.equal(position(fd), FILESIZE);
    });
    const fh = await open(TESTFN, 'r');
    try {
      assert.equal(await a.async.sendfile(fh, 100, 1000), 1000);
    } finally {
      await fh.close();
    }
    await withFile(EMPTY, async (fd) => {
      assert.equal(await a.async.sendfile(fd), 0);
      assert.equal(position(fd), 0);
    });
    a.shutdown(socket.SHUT_WR);
    const got = await reader;
    const want = Buffer.concat([FILEDATA.subarray(7), FILEDATA.subarray(100, 1100)]);
    assert.equal(got.length, want.length);
    assert.equal(sha(got), sha(want));
  } finally {
    a.close();
    b.close();
  }
});

test('sendfile twin on a non-blocking socket (timeout 0) waits instead of refusing', async () => {
  const [cli, conn] = tcpPair();
  try {
    cli.setblocking(false);
    // The sync method refuses non-blocking sockets; the twin's event loop makes waiting non-blocking.
    await withFile(TESTFN, async (fd) => {
      assert.throws(() => cli.sendfile(fd), { name: 'RangeError', message: 'non-blocking sockets are not supported' });
    });
    const reader = readAll(conn);
    await withFile(TESTFN, async (fd) => {
      assert.equal(await cli.async.sendfile(fd, 0, 2_000_000), 2_000_000);
    });
    assert.equal(nonblocking(cli.fileno()), true);
    cli.shutdown(socket.SHUT_WR);
    assert.equal(sha(await reader), sha(FILEDATA.subarray(0, 2_000_000)));
  } finally {
    cli.close();
    conn.close();
  }
});

test('sendfile twin through the send fallback: a socket as the file, read on the thread pool', async () => {
  const [r, w] = socket.socketpair();
  const [cli, conn] = tcpPair();
  try {
    const part = FILEDATA.subarray(0, 1_000_000);
    // The "file" is a stream filled by a twin on this thread while the sendfile twin runs.
    const writer = w.async.sendall(part).then(() => w.shutdown(socket.SHUT_WR));
    const reader = readAll(conn);
    assert.equal(await cli.async.sendfile(r.fileno()), part.length);
    await writer;
    cli.shutdown(socket.SHUT_WR);
    assert.equal(sha(await reader), sha(part));
    // A non-seekable file with an offset: lseek's error, as the sync version.
    await assert.rejects(cli.async.sendfile(r.fileno(), 5), (e: unknown) => e instanceof socket.OSError && e.code === 'ESPIPE');
  } finally {
    r.close();
    w.close();
    cli.close();
    conn.close();
  }
});

test('sendfile twin: the timeout bounds the whole transfer; the position reflects what was sent', async () => {
  const [cli, conn] = tcpPair();
  try {
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536);
    cli.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536);
    cli.settimeout(0.05);
    await withFile(TESTFN, async (fd) => {
      const t0 = performance.now();
      await assert.rejects(cli.async.sendfile(fd), (e: unknown) => e instanceof socket.TimeoutError && e.message === 'timed out');
      assert.ok(performance.now() - t0 >= 40);
      assert.ok(position(fd) > 0 && position(fd) < FILESIZE, `position ${position(fd)}`);
    });
    noWaiterLeft(cli);
  } finally {
    cli.close();
    conn.close();
  }
});

test('sendfile twin: abort during the wait rejects with AbortError; the descriptor is blocking again', async () => {
  const [cli, conn] = tcpPair();
  try {
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536);
    cli.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536);
    await withFile(TESTFN, async (fd) => {
      const ac = new AbortController();
      const p = cli.async.sendfile(fd, { signal: ac.signal });
      await delay(20);
      assert.deepEqual(socket.async.watcherState(cli).waiters, { read: 0, write: 1 });
      assert.equal(nonblocking(cli.fileno()), true, 'O_NONBLOCK while the twin runs');
      ac.abort(new Error('enough'));
      await assert.rejects(p, (e: unknown) => e instanceof socket.async.AbortError && (e.cause as Error).message === 'enough');
      const pos = position(fd);
      assert.ok(pos > 0 && pos < FILESIZE, `position ${pos}`);
    });
    noWaiterLeft(cli);
    assert.equal(nonblocking(cli.fileno()), false, 'blocking mode restored');
    // An already-aborted signal: nothing is sent.
    const ac2 = new AbortController();
    ac2.abort();
    await withFile(TESTFN, async (fd) => {
      await assert.rejects(cli.async.sendfile(fd, 0, 10, { signal: ac2.signal }), { name: 'AbortError' });
      assert.equal(position(fd), 0);
    });
  } finally {
    cli.close();
    conn.close();
  }
});

test('sendfile twin: close while pending rejects at once with EBADF (zero-copy wait and fallback read)', async () => {
  const [cli, conn] = tcpPair();
  const [r, w] = socket.socketpair();
  try {
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536);
    cli.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536);
    await withFile(TESTFN, async (fd) => {
      const p = cli.async.sendfile(fd);
      await delay(20);
      const t0 = performance.now();
      cli.close();
      await assert.rejects(p, isEbadf);
      assert.ok(performance.now() - t0 < 1000);
    });
    // The fallback waiting in a thread-pool read of a "file" with no data yet.
    const [c2, d2] = tcpPair();
    try {
      const p2 = c2.async.sendfile(r.fileno());
      await delay(20);
      c2.close();
      await assert.rejects(p2, isEbadf);
      // Abort in the same place.
      const [c3, d3] = tcpPair();
      try {
        const ac = new AbortController();
        const p3 = c3.async.sendfile(r.fileno(), { signal: ac.signal });
        await delay(20);
        ac.abort();
        await assert.rejects(p3, { name: 'AbortError' });
      } finally {
        c3.close();
        d3.close();
      }
    } finally {
      c2.close();
      d2.close();
    }
    assert.equal(socket.async.reactorState().pending, 0);
  } finally {
    // EOF ends the reads still running on the thread pool.
    w.close();
    await delay(20);
    r.close();
    cli.close();
    conn.close();
  }
});

test('sendfile twin: bad arguments reject with the sync error classes, never throw synchronously', async () => {
  await withFile(TESTFN, async (fd) => {
    const d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    let p: Promise<unknown> = Promise.resolve();
    assert.doesNotThrow(() => { p = d.async.sendfile(fd); });
    await assert.rejects(p, { name: 'RangeError', message: /SOCK_STREAM/ });
    d.close();
    const s = socket.socket();
    try {
      const send = s.async.sendfile as (...a: unknown[]) => Promise<number>;
      await assert.rejects(send.call(s.async), TypeError);
      await assert.rejects(send.call(s.async, fd, 0, '2'), { name: 'TypeError', message: 'count must be a positive integer (got \'2\')' });
      await assert.rejects(send.call(s.async, fd, 0, 0.1), TypeError);
      await assert.rejects(send.call(s.async, fd, 0, 0), RangeError);
      await assert.rejects(send.call(s.async, fd, 0, -1), RangeError);
      await assert.rejects(send.call(s.async, fd, -1), RangeError);
      await assert.rejects(send.call(s.async, 'file'), TypeError);
      await assert.rejects(send.call(s.async, { fd: -1 }), isEbadf);
      await assert.rejects(send.call(s.async, fd, 0, 1, {}, 5), TypeError);
      await assert.rejects(send.call(s.async, fd, 0, 1, { signal: 'no' }), TypeError);
      // Not connected: the send fallback's error (sendfile(2) gives up first, as in the sync version).
      await assert.rejects(send.call(s.async, fd, 0, 10), (e: unknown) => e instanceof socket.OSError);
      assert.equal(position(fd), 0);
    } finally {
      s.close();
    }
    await assert.rejects(s.async.sendfile(fd), isEbadf);
  });
});

// ---- sendmmsg / recvmmsg ---------------------------------------------------------------------

function udpPair(): [socket.Socket, socket.Socket, [string, number]] {
  const rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(['127.0.0.1', 0]);
  tx.bind(['127.0.0.1', 0]);
  return [tx, rx, rx.getsockname() as [string, number]];
}

async function drainAsync(rx: socket.Socket, n: number, bufsize = 2048): Promise<socket.RecvmmsgResult> {
  const out: socket.RecvmmsgResult = [];
  for (let i = 0; i < 1000 && out.length < n; i++) out.push(...await rx.async.recvmmsg(64, bufsize));
  return out;
}

test('sendmmsg/recvmmsg twins: a pending recvmmsg gets a batch sent over UDP loopback', async () => {
  const [tx, rx, addr] = udpPair();
  try {
    const pending = rx.async.recvmmsg(64, 2048);
    await delay(10);
    assert.deepEqual(socket.async.watcherState(rx).waiters, { read: 1, write: 0 });
    const msgs: socket.MmsgMessage[] = [];
    for (let i = 0; i < 100; i++) {
      const d = Buffer.from(`datagram ${i}`);
      msgs.push(i % 2 === 0 ? [d, addr] : [[d.subarray(0, 3), new Uint8Array(d.subarray(3))], ['127.0.0.1', addr[1]]]);
    }
    assert.equal(await tx.async.sendmmsg(msgs), 100);
    const first = await pending;
    assert.ok(first.length >= 1 && first.length <= 64);
    const got = [...first, ...await drainAsync(rx, 100 - first.length)];
    assert.equal(got.length, 100);
    const me = tx.getsockname();
    got.forEach(([data, from, flags], i) => {
      assert.equal(data.toString(), `datagram ${i}`);
      assert.deepEqual(from, me);
      assert.equal(flags, 0);
    });
    // Truncation to bufsize, with the options object last.
    assert.equal(await tx.async.sendmmsg([[Buffer.from('0123456789'), addr]], 0, {}), 1);
    const [[data, , flags]] = (await rx.async.recvmmsg(4, 4, { signal: new AbortController().signal })) as [socket.RecvmmsgResult[0]];
    assert.equal(data.toString(), '0123');
    assert.equal(flags & socket.MSG_TRUNC, socket.MSG_TRUNC);
    nothingPending(rx);
  } finally {
    tx.close();
    rx.close();
  }
});

test('sendmmsg twin: any iterable of messages, host names resolved off the thread, connected pairs', async () => {
  const [tx, rx, addr] = udpPair();
  try {
    const gen = function* (): Generator<socket.MmsgMessage> {
      yield [Buffer.from('from a generator'), addr];
      yield [Buffer.from('by name'), ['localhost', addr[1]]];
    };
    assert.equal(await tx.async.sendmmsg(gen()), 2);
    rx.settimeout(10);
    const got = await drainAsync(rx, 2);
    assert.deepEqual(got.map(([d]) => d.toString()), ['from a generator', 'by name']);
  } finally {
    tx.close();
    rx.close();
  }
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    assert.equal(await a.async.sendmmsg(new Set<socket.MmsgMessage>([[Buffer.from('x')], [[Buffer.from('y'), Buffer.from('z')]]])), 2);
    assert.deepEqual((await b.async.recvmmsg(8, 16)).map(([d]) => d.toString()), ['x', 'yz']);
    assert.equal(await a.async.sendmmsg([]), 0);
  } finally {
    a.close();
    b.close();
  }
});

/** An AF_UNIX datagram pair whose receive queue is full: the next send would block. */
function fullPair(): [socket.Socket, socket.Socket] {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  a.setblocking(false);
  try {
    for (let i = 0; i < 100000; i++) a.send(Buffer.alloc(1024));
  } catch (e) {
    assert.ok(e instanceof socket.BlockingIOError);
  }
  a.setblocking(true);
  return [a, b];
}

test('sendmmsg twin waits while the receiver is full and completes when it drains', async () => {
  const [a, b] = fullPair();
  try {
    const p = a.async.sendmmsg([[Buffer.from('after the wait')]]);
    await delay(20);
    assert.deepEqual(socket.async.watcherState(a).waiters, { read: 0, write: 1 });
    b.settimeout(1);
    let last = '';
    let resolved = false;
    void p.then(() => { resolved = true; });
    for (let i = 0; i < 100000 && last !== 'after the wait'; i++) {
      for (const [d] of b.recvmmsg(64, 2048)) last = d.toString();
      if (!resolved) await delay(1);
    }
    assert.equal(await p, 1);
    assert.equal(last, 'after the wait');
    nothingPending(a);
  } finally {
    a.close();
    b.close();
  }
});

test('sendmmsg/recvmmsg twins honour the timeout and leave no waiter', async () => {
  const [tx, rx] = udpPair();
  try {
    rx.settimeout(0.05);
    const t0 = performance.now();
    await assert.rejects(rx.async.recvmmsg(8, 100), (e: unknown) => e instanceof socket.TimeoutError && e.errno === null);
    assert.ok(performance.now() - t0 >= 40);
    noWaiterLeft(rx);
    // Timeout 0 waits in the twin (the sync call raises BlockingIOError).
    rx.setblocking(false);
    const p = rx.async.recvmmsg(8, 100);
    await delay(10);
    tx.sendto(Buffer.from('nb'), rx.getsockname());
    assert.deepEqual((await p).map(([d]) => d.toString()), ['nb']);
  } finally {
    tx.close();
    rx.close();
  }
  const [a, b] = fullPair();
  try {
    a.settimeout(0.05);
    await assert.rejects(a.async.sendmmsg([[Buffer.from('x')]]), socket.TimeoutError);
    noWaiterLeft(a);
  } finally {
    a.close();
    b.close();
  }
});

test('sendmmsg/recvmmsg twins: abort during the wait, nothing consumed, no waiter left', async () => {
  const [tx, rx, addr] = udpPair();
  try {
    const ac = new AbortController();
    const p = rx.async.recvmmsg(8, 100, 0, { signal: ac.signal });
    await delay(10);
    assert.equal(socket.async.reactorState().referenced, true);
    ac.abort();
    await assert.rejects(p, { name: 'AbortError' });
    noWaiterLeft(rx);
    assert.equal(socket.async.reactorState().referenced, false);
    tx.sendto(Buffer.from('kept'), addr);
    rx.settimeout(10);
    assert.equal(rx.recvmmsg(8, 100)[0]![0].toString(), 'kept');
  } finally {
    tx.close();
    rx.close();
  }
  const [a, b] = fullPair();
  try {
    const ac = new AbortController();
    const p = a.async.sendmmsg([[Buffer.from('never')]], { signal: ac.signal });
    await delay(10);
    ac.abort();
    await assert.rejects(p, { name: 'AbortError' });
    noWaiterLeft(a);
  } finally {
    a.close();
    b.close();
  }
});

test('sendmmsg/recvmmsg twins: close while pending rejects at once with EBADF', async () => {
  const [tx, rx] = udpPair();
  const [a, b] = fullPair();
  try {
    const r1 = rx.async.recvmmsg(8, 100);
    const s1 = a.async.sendmmsg([[Buffer.from('x')]]);
    await delay(10);
    const t0 = performance.now();
    rx.close();
    a.close();
    await assert.rejects(r1, isEbadf);
    await assert.rejects(s1, isEbadf);
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(socket.async.reactorState().pending, 0);
    await assert.rejects(rx.async.recvmmsg(8, 100), isEbadf);
    await assert.rejects(a.async.sendmmsg([[Buffer.from('x')]]), isEbadf);
  } finally {
    tx.close();
    rx.close();
    a.close();
    b.close();
  }
});

test('sendmmsg/recvmmsg twins: bad batches reject before anything is sent, never throw synchronously', async () => {
  const [tx, rx, addr] = udpPair();
  try {
    const send = tx.async.sendmmsg as (...a: unknown[]) => Promise<number>;
    const sendmmsg = (...a: unknown[]): Promise<number> => {
      let p: Promise<number> = Promise.resolve(0);
      assert.doesNotThrow(() => { p = send.apply(tx.async, a); });
      return p;
    };
    await assert.rejects(sendmmsg(), TypeError);
    await assert.rejects(sendmmsg(42), TypeError);
    await assert.rejects(sendmmsg([Buffer.from('x')]), TypeError);
    await assert.rejects(sendmmsg([['text', addr]]), TypeError);
    await assert.rejects(sendmmsg([[[Buffer.from('x'), 'y'], addr]]), TypeError);
    await assert.rejects(sendmmsg([[Buffer.from('ok'), addr], [Buffer.from('x'), ['127.0.0.1', 70000]]]), RangeError);
    await assert.rejects(sendmmsg([[Buffer.from('ok'), addr], [Buffer.from('x'), 'not an address']]), TypeError);
    // Validated before any name is looked up.
    await assert.rejects(sendmmsg([['text', ['localhost', 9]]]), TypeError);
    await assert.rejects(sendmmsg([[Buffer.from('x'), addr]], 'flags'), TypeError);
    await assert.rejects(sendmmsg([[Buffer.from('x'), addr]], 0, {}, 1), TypeError);
    await assert.rejects(sendmmsg([[Buffer.from('x'), addr]], 0, { signal: 'no' }), TypeError);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(sendmmsg([[Buffer.from('x'), addr]], { signal: ac.signal }), { name: 'AbortError' });
    const recv = rx.async.recvmmsg as (...a: unknown[]) => Promise<socket.RecvmmsgResult>;
    const recvmmsg = (...a: unknown[]): Promise<socket.RecvmmsgResult> => {
      let p: Promise<socket.RecvmmsgResult> = Promise.resolve([]);
      assert.doesNotThrow(() => { p = recv.apply(rx.async, a); });
      return p;
    };
    await assert.rejects(recvmmsg(0, 10), RangeError);
    await assert.rejects(recvmmsg(1025, 10), RangeError);
    await assert.rejects(recvmmsg(4, -1), RangeError);
    await assert.rejects(recvmmsg('4', 10), TypeError);
    await assert.rejects(recvmmsg(4), TypeError);
    // The options object never takes the place of the required bufsize.
    await assert.rejects(recvmmsg(4, {}), TypeError);
    await assert.rejects(recvmmsg(4, 10, 0, {}, 1), TypeError);
    await assert.rejects(recvmmsg(4, 10, { signal: ac.signal }), { name: 'AbortError' });
    // Nothing was sent by any of the refused calls.
    rx.setblocking(false);
    assert.throws(() => rx.recvmmsg(8, 100), socket.BlockingIOError);
    // The error of a first message that fails (no address on an unconnected socket).
    await assert.rejects(tx.async.sendmmsg([[Buffer.from('x')]]), (e: unknown) => e instanceof socket.OSError && e.code === 'EDESTADDRREQ');
  } finally {
    tx.close();
    rx.close();
  }
});
