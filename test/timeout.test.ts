/**
 * The three modes and their descriptors, the default timeout, and the
 * deadline loop: one deadline per call, EINTR retried without restarting the
 * clock (CPython: NonblockConstantTest, NonBlockingTCPTests, TCPTimeoutTest,
 * UDPTimeoutTest, UDPLITETimeoutTest, GeneralModuleTests.testDefaultTimeout,
 * test_sendall_interrupted_with_timeout, behaviours 64-75 and 81).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';
import { runPeer, sleepSync } from './helpers/peer.js';
import { closeAll, isNonblocking, listener, since, tcpPair, withDefaultTimeout } from './helpers/core.js';

checkNoLeaks();

const EINTR = 4;

/** The mode as the object reports it and as the descriptor carries it. */
function mode(s: socket.Socket): [number | null, boolean, boolean] {
  return [s.gettimeout(), s.getblocking(), isNonblocking(s.fileno())];
}

test('SOCK_NONBLOCK, setblocking, settimeout and the default timeout set O_NONBLOCK exactly as CPython (test_socket: NonblockConstantTest.test_SOCK_NONBLOCK)', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK);
  try {
    assert.deepEqual(mode(s), [0, false, true]);
    s.setblocking(true);
    assert.deepEqual(mode(s), [null, true, false]);
    s.setblocking(false);
    assert.deepEqual(mode(s), [0, false, true]);
    s.settimeout(null);
    assert.deepEqual(mode(s), [null, true, false]);
    s.settimeout(2.0);
    assert.deepEqual(mode(s), [2, true, true]);
    s.settimeout(0);
    assert.deepEqual(mode(s), [0, false, true]);
    assert.equal(s.timeout, 0);
  } finally {
    s.close();
  }
  const d0 = withDefaultTimeout(0, () => socket.socket());
  const d2 = withDefaultTimeout(2, () => socket.socket());
  const dn = socket.socket();
  try {
    assert.deepEqual(mode(d0), [0, false, true]);
    assert.deepEqual(mode(d2), [2, true, true]);
    assert.deepEqual(mode(dn), [null, true, false]);
  } finally {
    closeAll(d0, d2, dn);
  }
});

test('setblocking(False) is settimeout(0), setblocking(True) is settimeout(null) (test_socket: NonBlockingTCPTests.testSetBlocking)', () => {
  const s = socket.socket();
  try {
    s.setblocking(true);
    assert.equal(s.gettimeout(), null);
    assert.equal(s.getblocking(), true);
    s.setblocking(false);
    assert.equal(s.gettimeout(), 0);
    assert.equal(s.getblocking(), false);
    s.settimeout(10);
    assert.equal(s.getblocking(), true);
    s.settimeout(0);
    assert.equal(s.getblocking(), false);
    s.settimeout(null);
    assert.equal(s.getblocking(), true);
  } finally {
    s.close();
  }
});

test('the default timeout starts null and applies to sockets made afterwards; bad values are refused (test_socket: GeneralModuleTests.testDefaultTimeout)', () => {
  assert.equal(socket.getdefaulttimeout(), null);
  const a = socket.socket();
  socket.setdefaulttimeout(10);
  try {
    assert.equal(socket.getdefaulttimeout(), 10);
    const b = socket.socket();
    assert.equal(b.gettimeout(), 10);
    assert.equal(a.gettimeout(), null, 'sockets made before keep their mode');
    b.close();
    socket.setdefaulttimeout(null);
    const c = socket.socket();
    assert.equal(c.gettimeout(), null);
    c.close();
    assert.throws(() => socket.setdefaulttimeout(-1), { name: 'RangeError', message: 'Timeout value out of range' });
    assert.throws(() => socket.setdefaulttimeout('spam' as unknown as number), TypeError);
    assert.throws(() => (socket.setdefaulttimeout as () => void)(), TypeError);
    assert.equal(socket.getdefaulttimeout(), null, 'a refused value changes nothing');
  } finally {
    socket.setdefaulttimeout(null);
    a.close();
  }
});

test('settimeout validates like Python: negative, NaN, huge and non-numbers refused; true is 1; 2**31 s accepted (behaviour 66)', () => {
  const s = socket.socket();
  try {
    assert.throws(() => s.settimeout(-1), { name: 'RangeError', message: 'Timeout value out of range' });
    assert.throws(() => s.settimeout(NaN), { name: 'RangeError', message: 'Invalid value NaN (not a number)' });
    assert.throws(() => s.settimeout(1e300), RangeError);
    assert.throws(() => s.settimeout(Infinity), RangeError);
    assert.throws(() => s.settimeout('1' as unknown as number), TypeError);
    assert.throws(() => (s.settimeout as () => void)(), TypeError);
    s.settimeout(true as unknown as number);
    assert.equal(s.gettimeout(), 1);
    s.settimeout(2 ** 31);
    assert.equal(s.gettimeout(), 2 ** 31);
    s.settimeout(0.5);
    assert.equal(s.timeout, 0.5);
  } finally {
    s.close();
  }
});

test('a timeout above INT_MAX milliseconds still lets recv and sendall work (test_socket: NonBlockingTCPTests.testLargeTimeout)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    const large = 2 ** 31 / 1000 * 2; // ~49 days in seconds: beyond poll()'s int milliseconds
    conn.settimeout(large);
    cli.settimeout(large);
    cli.sendall(Buffer.from('large timeout'));
    assert.equal(conn.recv(100).toString(), 'large timeout');
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('SOCK_NONBLOCK at creation makes accept raise BlockingIOError (test_socket: NonBlockingTCPTests.testInitNonBlocking)', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK);
  try {
    s.bind(['127.0.0.1', 0]);
    s.listen();
    assert.equal(s.getblocking(), false);
    assert.equal(s.gettimeout(), 0);
    const t0 = performance.now();
    assert.throws(() => s.accept(), socket.BlockingIOError);
    assert.ok(since(t0) < 1000, 'did not wait');
  } finally {
    s.close();
  }
});

test('an accepted socket is blocking when the default timeout is null, whatever the listener\'s mode (test_socket: NonBlockingTCPTests.testInheritFlagsBlocking, bpo-7995)', () => {
  for (const listenerMode of [0, 1] as const) {
    const [srv, port] = listener();
    const cli = socket.socket();
    try {
      srv.settimeout(listenerMode);
      cli.connect(['127.0.0.1', port]);
      const [conn] = srv.accept();
      try {
        assert.deepEqual(mode(conn), [null, true, false], `listener timeout ${listenerMode}`);
      } finally {
        conn.close();
      }
    } finally {
      closeAll(cli, srv);
    }
  }
});

test('an accepted socket takes the default timeout, with O_NONBLOCK (test_socket: NonBlockingTCPTests.testInheritFlagsTimeout)', () => {
  const [srv, port] = listener();
  const cli = socket.socket();
  try {
    srv.setblocking(false);
    cli.connect(['127.0.0.1', port]);
    const [conn] = withDefaultTimeout(20, () => srv.accept());
    try {
      assert.deepEqual(mode(conn), [20, true, true]);
    } finally {
      conn.close();
    }
  } finally {
    closeAll(cli, srv);
  }
});

test('non-blocking accept raises BlockingIOError at once, then succeeds once a client came (test_socket: NonBlockingTCPTests.testAccept)', async () => {
  const [srv, port] = listener();
  try {
    srv.setblocking(false);
    const t0 = performance.now();
    assert.throws(() => srv.accept(), (e: unknown) => e instanceof socket.BlockingIOError && e.errno === 11);
    assert.ok(since(t0) < 1000);
    const peer = runPeer('core', 'connectLater', [port, 50, 'hello']);
    let conn: socket.Socket | undefined;
    for (let i = 0; i < 500 && conn === undefined; i++) {
      try {
        [conn] = srv.accept();
      } catch (e) {
        if (!(e instanceof socket.BlockingIOError)) throw e;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    assert.ok(conn, 'a connection came within 5 s');
    try {
      assert.equal(conn.getblocking(), true);
      assert.equal(conn.gettimeout(), null);
      await peer.done;
      assert.equal(conn.recv(100).toString(), 'hello');
    } finally {
      conn.close();
    }
  } finally {
    srv.close();
  }
});

test('non-blocking recv raises BlockingIOError, then returns the data once it came (test_socket: NonBlockingTCPTests.testRecv)', async () => {
  const [conn, cli, srv] = tcpPair();
  try {
    conn.setblocking(false);
    assert.throws(() => conn.recv(1024), (e: unknown) => e instanceof socket.BlockingIOError && e.code === 'EAGAIN');
    assert.throws(() => conn.recvfrom(1024), socket.BlockingIOError);
    assert.throws(() => conn.recv_into(Buffer.alloc(4)), socket.BlockingIOError);
    const peer = runPeer('core', 'sendLater', [cli.fileno(), 50, 'data']);
    await peer.done;
    let got: Buffer | undefined;
    for (let i = 0; i < 500 && got === undefined; i++) {
      try {
        got = conn.recv(1024);
      } catch (e) {
        if (!(e instanceof socket.BlockingIOError)) throw e;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    assert.equal(got?.toString(), 'data');
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('accept with a timeout and no client raises TimeoutError roughly when due; timeout 0 raises a non-timeout OSError (test_socket: TCPTimeoutTest.testAcceptTimeout, testTimeoutZero)', () => {
  const [srv] = listener();
  try {
    srv.settimeout(0.3);
    const t0 = performance.now();
    assert.throws(() => srv.accept(), (e: unknown) => e instanceof socket.TimeoutError && e.message === 'timed out');
    const took = since(t0);
    assert.ok(took >= 250 && took < 5000, `timed out after ${took} ms`);
    srv.settimeout(0);
    assert.throws(() => srv.accept(), (e: unknown) =>
      e instanceof socket.OSError && !(e instanceof socket.TimeoutError) && e instanceof socket.BlockingIOError);
  } finally {
    srv.close();
  }
});

for (const [label, proto, cls] of [
  ['UDP', 0, 'UDPTimeoutTest'],
  ['UDPLITE', socket.IPPROTO_UDPLITE, 'UDPLITETimeoutTest'],
] as Array<[string, number, string]>) {
  test(`${label} recv with a timeout raises TimeoutError; with timeout 0 BlockingIOError (test_socket: ${cls}.testUDPTimeout, testTimeoutZero)`, (t) => {
    const reason = skipReason(socket.AF_INET, socket.SOCK_DGRAM, proto);
    if (reason) return t.skip(reason);
    const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto);
    try {
      s.bind(['127.0.0.1', 0]);
      s.settimeout(0.2);
      const t0 = performance.now();
      assert.throws(() => s.recv(1024), socket.TimeoutError);
      assert.ok(since(t0) >= 150, 'waited for the timeout');
      assert.throws(() => s.recvfrom(1024), socket.TimeoutError);
      s.settimeout(0);
      assert.throws(() => s.recv(1024), (e: unknown) => e instanceof socket.BlockingIOError && !(e instanceof socket.TimeoutError));
    } finally {
      s.close();
    }
  });
}

test('recv(0) returns at once even under a timeout with no data (behaviour 59)', () => {
  const [a, b] = socket.socketpair();
  try {
    a.settimeout(5);
    const t0 = performance.now();
    assert.deepEqual(a.recv(0), Buffer.alloc(0));
    assert.ok(since(t0) < 1000);
  } finally {
    closeAll(a, b);
  }
});

test('the timeout bounds a whole sendall, not each partial send (test_socket: test_sendall_interrupted_with_timeout, behaviour 75)', async () => {
  const [conn, cli, srv] = tcpPair();
  let peer: { done: Promise<unknown> } | undefined;
  try {
    // Small buffers and a reader that drains a little every 10 ms: every single
    // wait is short, so only a deadline over the whole call can fire.
    for (const s of [conn, cli]) {
      s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096);
      s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096);
    }
    peer = runPeer('core', 'readSlowly', [conn.fileno(), 4096, 10, 4000]);
    cli.settimeout(0.3);
    const big = Buffer.alloc(16 * 1024 * 1024, 0x78);
    const t0 = performance.now();
    assert.throws(() => cli.sendall(big), socket.TimeoutError);
    const took = since(t0);
    assert.ok(took >= 250 && took < 2000, `sendall timed out after ${took} ms`);
  } finally {
    cli.close();
    if (peer) await peer.done;
    closeAll(conn, srv);
  }
});

test('sendall to a peer that never reads times out roughly when due (test_socket: test_sendall_interrupted_with_timeout)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.settimeout(0.2);
    const t0 = performance.now();
    assert.throws(() => cli.sendall(Buffer.alloc(64 * 1024 * 1024)), (e: unknown) => e instanceof socket.TimeoutError && e.syscall === 'sendall');
    const took = since(t0);
    assert.ok(took >= 150 && took < 5000, `took ${took} ms`);
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('connect waits under the timeout: a full backlog gives TimeoutError, connect_ex EWOULDBLOCK (behaviours 70-71)', () => {
  const [srv, port] = listener(socket.AF_INET, 0);
  const clients: socket.Socket[] = [];
  try {
    let timedOut = false;
    for (let i = 0; i < 16 && !timedOut; i++) {
      const c = socket.socket();
      clients.push(c);
      c.settimeout(0.3);
      const t0 = performance.now();
      try {
        c.connect(['127.0.0.1', port]);
      } catch (e) {
        assert.ok(e instanceof socket.TimeoutError, String(e));
        assert.equal((e as socket.OSError).errno, null);
        const took = since(t0);
        assert.ok(took >= 250 && took < 5000, `connect timed out after ${took} ms`);
        timedOut = true;
      }
    }
    assert.ok(timedOut, 'the backlog filled up and a connect waited');
    const c = socket.socket();
    clients.push(c);
    c.settimeout(0.2);
    assert.equal(c.connect_ex(['127.0.0.1', port]), 11);
    // Non-blocking: EINPROGRESS at once.
    const n = socket.socket();
    clients.push(n);
    n.setblocking(false);
    assert.throws(() => n.connect(['127.0.0.1', port]), (e: unknown) => e instanceof socket.BlockingIOError && e.errno === 115);
  } finally {
    closeAll(...clients, srv);
  }
});

// ---- EINTR: simulated interruptions of the addon's calls ---------------------

// The addon object itself (the very module instance the package uses), to
// simulate interrupted system calls. Built tests live in .build/test/.
const { native } = await import(new URL('../../dist/native.js', import.meta.url).href) as typeof import('../dist/native.js');

type NativeFn = (...a: unknown[]) => number;
const nativeTable = native as unknown as Record<string, NativeFn>;

/** Replaces native[name] for the duration of fn. */
function patched<T>(name: string, replacement: (orig: NativeFn) => NativeFn, fn: () => T): T {
  const orig = nativeTable[name]!;
  nativeTable[name] = replacement(orig);
  try {
    return fn();
  } finally {
    nativeTable[name] = orig;
  }
}

test('EINTR from poll is retried against the original deadline, not a restarted clock (PEP 475, behaviour 81)', () => {
  const [a, b] = socket.socketpair();
  try {
    a.settimeout(0.3);
    let polls = 0;
    const t0 = performance.now();
    assert.throws(() => patched('poll', () => () => {
      if (++polls > 200) throw new Error('the deadline never came: the clock restarts on EINTR');
      sleepSync(50); // interrupted 50 ms into every wait
      return -EINTR;
    }, () => a.recv(10)), socket.TimeoutError);
    const took = since(t0);
    assert.ok(polls >= 4 && polls <= 20, `${polls} polls`);
    assert.ok(took >= 250 && took < 3000, `timed out after ${took} ms`);
  } finally {
    closeAll(a, b);
  }
});

test('EINTR from the system call itself is retried, never raised as InterruptedError (PEP 475)', () => {
  const [a, b] = socket.socketpair();
  const [conn, cli, srv] = tcpPair();
  const interruptTwice = (orig: NativeFn): NativeFn => {
    let left = 2;
    return (...args) => (left-- > 0 ? -EINTR : orig(...args));
  };
  try {
    for (const t of [null, 5]) {
      a.settimeout(t);
      b.settimeout(t);
      patched('send', interruptTwice, () => b.sendall(Buffer.from('abc')));
      assert.equal(patched('recv', interruptTwice, () => a.recv(10)).toString(), 'abc');
      patched('send', interruptTwice, () => assert.equal(b.send(Buffer.from('de')), 2));
      assert.equal(patched('recvfrom', interruptTwice, () => a.recvfrom(10))[0].toString(), 'de');
    }
    const port = (srv.getsockname() as [string, number])[1];
    const c2 = socket.socket();
    try {
      c2.connect(['127.0.0.1', port]);
      const [conn2] = patched('accept', interruptTwice, () => srv.accept());
      conn2.close();
    } finally {
      c2.close();
    }
    void conn;
    void cli;
  } finally {
    closeAll(a, b, conn, cli, srv);
  }
});

test('a connect interrupted by EINTR completes by waiting for the connection (PEP 475)', () => {
  const [srv, port] = listener();
  const interrupted = (orig: NativeFn): NativeFn => (...args) => {
    const r = orig(...args);
    return r === 0 ? -EINTR : r; // the kernel goes on connecting; the caller saw EINTR
  };
  try {
    for (const t of [null, 5]) {
      const c = socket.socket();
      try {
        c.settimeout(t);
        patched('connect', interrupted, () => c.connect(['127.0.0.1', port]));
        assert.equal((c.getpeername() as [string, number])[1], port);
        const [conn] = srv.accept();
        conn.close();
      } finally {
        c.close();
      }
    }
  } finally {
    srv.close();
  }
});

// ---- EINTR: real signals, in a child process whose main thread they hit ------

const DIST = new URL('../../dist/index.js', import.meta.url).href;
const PEER = new URL('./helpers/peer.js', import.meta.url).href;

/** Runs `body` in a child that has a SIGUSR2 handler, signalling it every 10 ms until it exits. */
async function underSignals(body: string): Promise<Record<string, unknown>> {
  const code = `
    import * as socket from ${JSON.stringify(DIST)};
    import { runPeer } from ${JSON.stringify(PEER)};
    let handled = 0;
    process.on('SIGUSR2', () => { handled++; });
    process.stdout.write('ready\\n');
    await new Promise((r) => setTimeout(r, 50));
    const out = {};
    ${body}
    await new Promise((r) => setImmediate(r));
    out.handled = handled;
    process.stdout.write(JSON.stringify(out) + '\\n');
    // Let the parent stop signalling before the handler goes away at exit.
    await new Promise((r) => setTimeout(r, 300));
  `;
  // A file, not -e: a worker started from an -e module waits for the main thread's loop.
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'bsd-socket-sig-')), 'child.mjs');
  writeFileSync(file, code);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  let timer: NodeJS.Timeout | undefined;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (timer === undefined && stdout.includes('ready\n')) {
      timer = setInterval(() => child.kill('SIGUSR2'), 10);
    }
    if (stdout.includes('"handled"')) clearInterval(timer);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const status = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearInterval(timer);
  clearTimeout(killer);
  rmSync(path.dirname(file), { recursive: true, force: true });
  assert.equal(status, 0, stdout);
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

test('a recv under a timeout keeps its deadline while signals keep interrupting it (test_socket: InterruptedRecvTimeoutTest, adapted)', async () => {
  const r = await underSignals(`
    const [a, b] = socket.socketpair();
    a.settimeout(0.5);
    const t0 = performance.now();
    try { a.recv(10); out.result = 'data'; } catch (e) { out.result = e.name; out.errno = e.errno; }
    out.took = performance.now() - t0;
    a.close(); b.close();
  `);
  assert.equal(r['result'], 'TimeoutError');
  assert.equal(r['errno'], null);
  assert.ok((r['handled'] as number) > 0, 'signals arrived during the call');
  const took = r['took'] as number;
  assert.ok(took >= 450 && took < 3000, `timed out after ${took} ms`);
});

test('a blocking recv with no timeout survives signals and returns the data (PEP 475, behaviour 81)', async () => {
  const r = await underSignals(`
    const [a, b] = socket.socketpair();
    const peer = runPeer('core', 'sendLater', [b.fileno(), 300, 'after signals']);
    try { out.result = a.recv(100).toString(); } catch (e) { out.result = e.name; }
    await peer.done;
    a.close(); b.close();
  `);
  assert.equal(r['result'], 'after signals');
  assert.ok((r['handled'] as number) > 0, 'signals arrived during the call');
});

test('accept and sendall under a timeout keep their deadlines while signals keep interrupting them (test_socket: TCPTimeoutTest.testInterruptedTimeout, InterruptedSendTimeoutTest, adapted)', async () => {
  const r = await underSignals(`
    const srv = socket.socket();
    srv.bind(['127.0.0.1', 0]);
    srv.listen();
    srv.settimeout(0.4);
    let t0 = performance.now();
    try { srv.accept(); out.accept = 'accepted'; } catch (e) { out.accept = e.name; }
    out.acceptTook = performance.now() - t0;
    const cli = socket.socket();
    cli.connect(srv.getsockname());
    const [conn] = srv.accept();
    cli.settimeout(0.4);
    t0 = performance.now();
    try { cli.sendall(Buffer.alloc(64 * 1024 * 1024)); out.sendall = 'sent'; } catch (e) { out.sendall = e.name; }
    out.sendallTook = performance.now() - t0;
    for (const s of [conn, cli, srv]) s.close();
  `);
  assert.equal(r['accept'], 'TimeoutError');
  assert.equal(r['sendall'], 'TimeoutError');
  assert.ok((r['handled'] as number) > 0, 'signals arrived during the calls');
  for (const k of ['acceptTook', 'sendallTook']) {
    const took = r[k] as number;
    assert.ok(took >= 350 && took < 3000, `${k}: ${took} ms`);
  }
});
