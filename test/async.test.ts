/**
 * The Promise twins (DESIGN §3): sock.async.* and socket.async.*. CPython has
 * no twins; the behaviours mirror the sync tests (BasicTCPTest, TCPTimeoutTest,
 * GeneralModuleTests' bad-argument checks) plus asyncio's sock_* semantics.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { runPeer } from './helpers/peer.js';

checkNoLeaks();

function listener(backlog = 128): [socket.Socket, number] {
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(['127.0.0.1', 0]);
  srv.listen(backlog);
  return [srv, (srv.getsockname() as [string, number])[1]];
}

/** O_NONBLOCK of a descriptor, read from /proc (the library keeps it private). */
function nonblocking(fd: number): boolean {
  const m = /flags:\s+([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  assert.ok(m, 'fdinfo has flags');
  return (parseInt(m[1]!, 8) & 0o4000) !== 0;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('recv/sendall twins round-trip bytes (BasicTCPTest.testRecv, async)', async () => {
  const [a, b] = socket.socketpair();
  try {
    const got = b.async.recv(1024);
    await a.async.sendall(Buffer.from('Michael Gilfix was here\r\n'));
    assert.equal((await got).toString(), 'Michael Gilfix was here\r\n');
    assert.equal(await b.async.send(Buffer.from('x')), 1);
    assert.equal((await a.async.recv(1)).toString(), 'x');
  } finally {
    a.close();
    b.close();
  }
});

test('a twin that can complete at once resolves without a watcher (tries the call first)', async () => {
  const [a, b] = socket.socketpair();
  try {
    a.send(Buffer.from('ready'));
    assert.equal((await b.async.recv(10)).toString(), 'ready');
    assert.equal(socket.async.watcherState(b).open, false);
  } finally {
    a.close();
    b.close();
  }
});

test('recv_into, recvfrom, recvfrom_into and sendto twins (testRecvInto, testRecvFromInto)', async () => {
  const u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    u1.bind(['127.0.0.1', 0]);
    u2.bind(['127.0.0.1', 0]);
    const addr1 = u1.getsockname() as [string, number];
    const addr2 = u2.getsockname() as [string, number];
    const p = u1.async.recvfrom(100);
    assert.equal(await u2.async.sendto(Buffer.from('one'), addr1), 3);
    const [data, from] = await p;
    assert.equal(data.toString(), 'one');
    assert.deepEqual(from, addr2);

    const buf = Buffer.alloc(16);
    const p2 = u1.async.recvfrom_into(buf, 8);
    await u2.async.sendto(Buffer.from('two-two'), 0, addr1);
    const [n, from2] = await p2;
    assert.equal(buf.subarray(0, n).toString(), 'two-two');
    assert.deepEqual(from2, addr2);

    u2.connect(addr1);
    const p3 = u1.async.recv_into(buf);
    await u2.async.send(Buffer.from('three'));
    assert.equal(buf.subarray(0, await p3).toString(), 'three');
  } finally {
    u1.close();
    u2.close();
  }
});

test('accept and connect twins; the accepted socket takes the default timeout', async () => {
  const [srv, port] = listener();
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  try {
    const acc = srv.async.accept();
    await c.async.connect(['127.0.0.1', port]);
    const [conn, addr] = await acc;
    assert.deepEqual(addr, c.getsockname());
    assert.equal(conn.gettimeout(), socket.getdefaulttimeout());
    // A blocking-mode socket gets its blocking descriptor back after the connect twin.
    assert.equal(c.gettimeout(), null);
    assert.equal(nonblocking(c.fileno()), false);
    conn.close();
  } finally {
    c.close();
    srv.close();
  }
});

test('connect twin to a closed port rejects with ConnectionRefusedError; connect_ex resolves ECONNREFUSED', async () => {
  const [srv, port] = listener();
  srv.close();
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const d = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  try {
    await assert.rejects(c.async.connect(['127.0.0.1', port]), socket.ConnectionRefusedError);
    assert.equal(await d.async.connect_ex(['127.0.0.1', port]), osConstants.errno.ECONNREFUSED);
  } finally {
    c.close();
    d.close();
  }
});

test('hundreds of connections served on one thread', async () => {
  const N = 300;
  const ROUNDS = 5;
  const [srv, port] = listener(512);
  const served: Promise<void>[] = [];
  const server = (async () => {
    for (let i = 0; i < N; i++) {
      const [conn] = await srv.async.accept();
      served.push((async () => {
        try {
          for (let r = 0; r < ROUNDS + 1; r++) {
            const d = await conn.async.recv(100);
            if (d.length === 0) return;
            await conn.async.sendall(d);
          }
        } finally {
          conn.close();
        }
      })());
    }
  })();
  const clients = Array.from({ length: N }, async (_, i) => {
    const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    try {
      await c.async.connect(['127.0.0.1', port]);
      for (let r = 0; r < ROUNDS; r++) {
        const msg = Buffer.from(`client ${i} round ${r}`);
        await c.async.sendall(msg);
        let got = Buffer.alloc(0);
        for (let k = 0; k < 10 && got.length < msg.length; k++) got = Buffer.concat([got, await c.async.recv(100)]);
        assert.equal(got.toString(), msg.toString());
      }
    } finally {
      c.close();
    }
  });
  await Promise.all(clients);
  await server;
  await Promise.all(served);
  srv.close();
  assert.equal(socket.async.reactorState().pending, 0);
});

test('the socket timeout applies: TimeoutError "timed out", roughly when due, no waiter left', async () => {
  const [a, b] = socket.socketpair();
  try {
    b.settimeout(0.1);
    const t0 = performance.now();
    await assert.rejects(b.async.recv(10), (e: unknown) => {
      assert.ok(e instanceof socket.TimeoutError);
      assert.equal((e as Error).message, 'timed out');
      return true;
    });
    const ms = performance.now() - t0;
    assert.ok(ms >= 90 && ms < 5000, `fired after ${ms} ms`);
    const st = socket.async.watcherState(b);
    assert.deepEqual(st.waiters, { read: 0, write: 0 });
    assert.equal(st.readable, false, 'the withdrawn direction is disarmed');
    assert.equal(st.active, false, 'libuv holds no active watcher');
    assert.equal(socket.async.reactorState().pending, 0);
    assert.equal(socket.async.reactorState().referenced, false);
    // The socket is still usable.
    a.send(Buffer.from('late'));
    assert.equal((await b.async.recv(10)).toString(), 'late');
  } finally {
    a.close();
    b.close();
  }
});

test('sendall twin under a timeout bounds the whole call (testSendallTimeout)', async () => {
  const [a, b] = socket.socketpair();
  try {
    a.settimeout(0.1);
    const big = Buffer.alloc(16 * 1024 * 1024);
    await assert.rejects(a.async.sendall(big), socket.TimeoutError);
    assert.equal(socket.async.watcherState(a).writable, false);
  } finally {
    a.close();
    b.close();
  }
});

test('abort before the call: AbortError, nothing consumed', async () => {
  const [a, b] = socket.socketpair();
  try {
    a.send(Buffer.from('keep'));
    const ac = new AbortController();
    ac.abort(new Error('why'));
    await assert.rejects(b.async.recv(10, { signal: ac.signal }), (e: unknown) => {
      assert.ok(e instanceof socket.async.AbortError);
      assert.equal((e as Error).name, 'AbortError');
      assert.equal((e as { code: string }).code, 'ABORT_ERR');
      assert.equal(((e as Error).cause as Error).message, 'why');
      return true;
    });
    assert.equal(b.recv(10).toString(), 'keep');
  } finally {
    a.close();
    b.close();
  }
});

test('abort during the wait: AbortError, the socket stays usable, data unconsumed, no waiter left', async () => {
  const [a, b] = socket.socketpair();
  try {
    const ac = new AbortController();
    const p = b.async.recv(10, 0, { signal: ac.signal });
    await delay(20);
    assert.deepEqual(socket.async.watcherState(b).waiters, { read: 1, write: 0 });
    assert.equal(socket.async.reactorState().referenced, true, 'a pending twin keeps the loop alive');
    ac.abort();
    await assert.rejects(p, { name: 'AbortError' });
    const st = socket.async.watcherState(b);
    assert.deepEqual(st.waiters, { read: 0, write: 0 });
    assert.equal(st.active, false);
    assert.equal(socket.async.reactorState().referenced, false);
    a.send(Buffer.from('after'));
    await delay(10);
    assert.equal(b.recv(10).toString(), 'after');
  } finally {
    a.close();
    b.close();
  }
});

test('close while pending rejects every twin at once with EBADF; the reused descriptor is untouched', async () => {
  const [a, b] = socket.socketpair();
  const fd = b.fileno();
  const r1 = b.async.recv(10);
  const r2 = b.async.recv(10);
  const w = b.async.accept().catch((e: unknown) => e);
  await delay(10);
  const t0 = performance.now();
  b.close();
  for (const p of [r1, r2]) {
    await assert.rejects(p, (e: unknown) => e instanceof socket.OSError && e.errno === osConstants.errno.EBADF);
  }
  assert.ok(performance.now() - t0 < 1000);
  await w;
  // The next descriptor takes the same number; nothing of the old socket touches it.
  const [c, d] = socket.socketpair();
  try {
    assert.ok(c.fileno() === fd || d.fileno() === fd, 'descriptor number reused');
    const reused = c.fileno() === fd ? c : d;
    const other = reused === c ? d : c;
    other.send(Buffer.from('fresh'));
    await delay(20);
    assert.equal(reused.recv(10).toString(), 'fresh');
    assert.equal(socket.async.reactorState().pending, 0);
  } finally {
    a.close();
    c.close();
    d.close();
  }
});

test('sync and async calls mix on one blocking-mode socket; its descriptor stays blocking', async () => {
  const [a, b] = socket.socketpair();
  try {
    assert.equal(b.gettimeout(), null);
    const p = b.async.recv(10);
    await delay(5);
    a.send(Buffer.from('async'));
    assert.equal((await p).toString(), 'async');
    assert.equal(nonblocking(b.fileno()), false, 'MSG_DONTWAIT, not O_NONBLOCK');
    a.send(Buffer.from('sync'));
    assert.equal(b.recv(10).toString(), 'sync');
    // A blocking sync recv waits for data sent later by a peer thread.
    const peer = runPeer('core', 'sendLater', [a.fileno(), 50, 'later']).done;
    assert.equal(b.recv(10).toString(), 'later');
    await peer;
    // And async again.
    a.send(Buffer.from('again'));
    assert.equal((await b.async.recv(10)).toString(), 'again');
  } finally {
    a.close();
    b.close();
  }
});

test('a non-blocking socket (timeout 0) waits in its twins instead of raising BlockingIOError', async () => {
  const [a, b] = socket.socketpair();
  try {
    b.setblocking(false);
    const p = b.async.recv(10);
    await delay(10);
    a.send(Buffer.from('nb'));
    assert.equal((await p).toString(), 'nb');
    assert.throws(() => b.recv(10), socket.BlockingIOError);
  } finally {
    a.close();
    b.close();
  }
});

test('bad arguments reject with the sync error classes, never throw synchronously', async () => {
  const [a, b] = socket.socketpair();
  try {
    let p: Promise<unknown> = Promise.resolve();
    assert.doesNotThrow(() => { p = b.async.recv(-1); });
    await assert.rejects(p, RangeError);
    await assert.rejects(b.async.recv('x' as unknown as number), TypeError);
    await assert.rejects(a.async.send('str' as unknown as Buffer), TypeError);
    await assert.rejects(a.async.sendall(42 as unknown as Buffer), TypeError);
    await assert.rejects(b.async.recv_into(Buffer.alloc(2), 5), RangeError);
    await assert.rejects(b.async.recv(10, { signal: 'no' as unknown as AbortSignal }), TypeError);
    const t = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    await assert.rejects(t.async.connect(['127.0.0.1', 70000]), RangeError);
    await assert.rejects(t.async.connect('not an address'), TypeError);
    t.close();
    await assert.rejects((a.async.sendto as (...x: unknown[]) => Promise<number>)(Buffer.from('x')), TypeError);
    // Python's test_sendto_argument checks, through the twin.
    const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    await assert.rejects(u.async.sendto(Buffer.from('x'), null), TypeError);
    await assert.rejects(u.async.sendto(Buffer.from('x'), 'bar' as unknown as [string, number]), TypeError);
    u.close();
    b.close();
    await assert.rejects(b.async.recv(1), (e: unknown) => (e as socket.OSError).code === 'EBADF');
  } finally {
    a.close();
    b.close();
  }
});

test('for await over sock.async yields the stream until the peer closes', async () => {
  const [a, b] = socket.socketpair();
  try {
    const total = 300_000;
    const writer = (async () => {
      const chunk = Buffer.alloc(10_000, 7);
      for (let sent = 0; sent < total; sent += chunk.length) await a.async.sendall(chunk);
      a.shutdown(socket.SHUT_WR);
    })();
    let got = 0;
    for await (const chunk of b.async) got += chunk.length;
    await writer;
    assert.equal(got, total);
  } finally {
    a.close();
    b.close();
  }
});

test('create_connection twin connects, and with all_errors rejects with an AggregateError', async () => {
  const [srv, port] = listener();
  try {
    const c = await socket.async.create_connection(['127.0.0.1', port], 5);
    assert.equal(c.gettimeout(), 5);
    const [conn] = srv.accept();
    conn.close();
    c.close();
  } finally {
    srv.close();
  }
  await assert.rejects(socket.async.create_connection(['127.0.0.1', port]), socket.ConnectionRefusedError);
  await assert.rejects(socket.async.create_connection(['127.0.0.1', port], { all_errors: true }), (e: unknown) => {
    assert.ok(e instanceof AggregateError);
    assert.ok(e.errors.every((x) => x instanceof socket.ConnectionRefusedError));
    return true;
  });
});

test('twins work inside a worker thread', async () => {
  const [a, b] = socket.socketpair();
  try {
    const peer = runPeer('async-worker', 'echoAsync', [b.fileno(), 3]);
    for (const m of ['one', 'two', 'three']) {
      await a.async.sendall(Buffer.from(m));
      assert.equal((await a.async.recv(100)).toString(), m);
    }
    assert.equal(await peer.done, 3);
  } finally {
    a.close();
    b.close();
  }
});

test('terminating a worker while its twins are pending is safe', async () => {
  const pairs = [socket.socketpair(), socket.socketpair()];
  try {
    const w = new Worker(new URL('./peers/async-terminate.js', import.meta.url), {
      workerData: { fds: pairs.map(([, b]) => b.fileno()) },
    });
    const [msg] = await new Promise<[{ pending: number }]>((resolve, reject) => {
      w.once('message', (m: { pending: number }) => resolve([m]));
      w.once('error', reject);
    });
    assert.equal(msg.pending, 2);
    await w.terminate();
    // This thread and its sockets go on working.
    for (const [a, b] of pairs) {
      const p = a.async.recv(10);
      b.send(Buffer.from('alive'));
      assert.equal((await p).toString(), 'alive');
    }
  } finally {
    for (const [a, b] of pairs) {
      a.close();
      b.close();
    }
  }
});

/** Runs a child Node process with `code` (an ES module importing the package) and returns its exit time. */
async function child(code: string, stdinData?: string): Promise<{ ms: number; stdout: string; status: number | null }> {
  const { spawn } = await import('node:child_process');
  const t0 = performance.now();
  const cp = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  let stdout = '';
  cp.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  if (stdinData !== undefined) cp.stdin.end(stdinData);
  const timer = setTimeout(() => cp.kill('SIGKILL'), 15_000);
  const status = await new Promise<number | null>((r) => cp.on('close', (c) => r(c)));
  clearTimeout(timer);
  return { ms: performance.now() - t0, stdout, status };
}

const pkg = new URL('../../dist/index.js', import.meta.url).href;

test('process exit: idle sockets with watchers do not keep the process alive', async () => {
  const r = await child(`
    import * as socket from ${JSON.stringify(pkg)};
    const [a, b] = socket.socketpair();
    const p = b.async.recv(10);
    a.send(Buffer.from('x'));
    await p;            // the watcher exists and stays armed, but idle
    globalThis.keep = [a, b];
    process.stdout.write('idle\\n');
  `);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'idle\n');
  assert.ok(r.ms < 10_000, `exited after ${r.ms} ms`);
});

test('process exit: a ping-pong that ends inside a flush (its reference deferred to the flush end) lets the process exit', async () => {
  // The last hops run in the reactor's flush, where the loop reference is
  // only written to the shared control word: the flush must still drop it.
  const r = await child(`
    import * as socket from ${JSON.stringify(pkg)};
    const [a, b] = socket.socketpair();
    const echo = (async () => { for (let i = 0; i < 2000; i++) await b.async.sendall(await b.async.recv(1)); })();
    for (let i = 0; i < 2000; i++) { await a.async.sendall(Buffer.from('x')); await a.async.recv(1); }
    await echo;
    globalThis.keep = [a, b];
    const st = socket.async.reactorState();
    process.stdout.write(st.pending + ' ' + (st.guesses > 1000 ? 'guessed' : 'polled') + '\\n');
    setImmediate(() => process.stdout.write(socket.async.reactorState().referenced + '\\n'));
  `);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '0 guessed\nfalse\n');
  assert.ok(r.ms < 10_000, `exited after ${r.ms} ms`);
});

test('process exit: a pending twin keeps the process alive until it resolves', async () => {
  const r = await child(`
    import * as socket from ${JSON.stringify(pkg)};
    const [a, b] = socket.socketpair();
    const p = b.async.recv(10);
    const t0 = Date.now();
    // Only this worker-less, timer-less send resolves the twin: the process must stay for it.
    const peer = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM);
    a.close();
    const { Worker } = await import('node:worker_threads');
    // (eval'd worker code is an ES module here, as the parent's --input-type)
    new Worker('import { workerData } from "node:worker_threads"; import fs from "node:fs"; Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); fs.writeSync(workerData, "x");', { eval: true, workerData: peer.fileno() }).unref();
    const d = await p;
    process.stdout.write(d.toString() + ' ' + (Date.now() - t0 >= 250 ? 'waited' : 'early') + '\\n');
    peer.close(); b.close();
  `);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'x waited\n');
});

test('sendmsg, recvmsg and recvmsg_into twins (testSendmsg/testRecvmsg, async)', async () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    const p = b.async.recvmsg(100);
    await delay(5);
    assert.equal(await a.async.sendmsg([Buffer.from('gath'), Buffer.from('ered')]), 8);
    const [data, anc, flags] = await p;
    assert.equal(data.toString(), 'gathered');
    assert.deepEqual(anc, []);
    assert.equal(flags, 0);
    const buf1 = Buffer.alloc(3);
    const buf2 = Buffer.alloc(10);
    const q = b.async.recvmsg_into([buf1, buf2], { signal: new AbortController().signal });
    await a.async.sendmsg([Buffer.from('scattered')], [], 0);
    const [n] = await q;
    assert.equal(n, 9);
    assert.equal(Buffer.concat([buf1, buf2]).subarray(0, 9).toString(), 'scattered');
    await assert.rejects(b.async.recvmsg(-1), RangeError);
  } finally {
    a.close();
    b.close();
  }
});
