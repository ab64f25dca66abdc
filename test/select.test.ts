/**
 * bsd-socket/select: select(), poll objects, epoll objects and the
 * constants, mirroring CPython's Lib/test/test_select.py, test_poll.py and
 * test_epoll.py (named in each title), plus the rounding of timeouts and
 * EINTR handling (PEP 475).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as socket from 'bsd-socket';
import * as select from 'bsd-socket/select';
import { checkNoLeaks } from './helpers/fds.js';
import { openLongLivedDescriptors } from './helpers/runtime.js';
import { runPeer, sleepSync } from './helpers/peer.js';
import { closeAll, isCloexec, since } from './helpers/core.js';
import { python } from './helpers/python.js';

// epoll descriptors count too; a worker's event loop has one until it is torn down.
await openLongLivedDescriptors();
checkNoLeaks(['socket:', 'pipe:', 'anon_inode:[eventpoll]'], 5000);

const EINTR = 4;
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

/** The arguments the addon's `name` was called with during fn (the call itself still runs). */
function argsOf(name: string, fn: () => unknown): unknown[][] {
  const calls: unknown[][] = [];
  patched(name, (orig) => (...a) => {
    calls.push(a.map((x) => (ArrayBuffer.isView(x) ? 'array' : x)));
    return orig(...a);
  }, fn);
  return calls;
}

const fds = (l: Array<{ fileno(): number } | number>): number[] => l.map((o) => (typeof o === 'number' ? o : o.fileno()));

// ---------------------------------------------------------------- constants

test('every upper-case name of python3\'s select module exists with its value, read from the headers (test_select: module constants)', () => {
  const py = python<Record<string, number>>(
    'import json, select; print(json.dumps({n: getattr(select, n) for n in dir(select) if n.isupper() and isinstance(getattr(select, n), int)}))');
  assert.ok(Object.keys(py).length >= 28, 'python3 has the Linux set');
  for (const [name, value] of Object.entries(py)) {
    assert.equal((select as unknown as Record<string, number>)[name], value, name);
  }
  assert.equal(select.error, socket.OSError);
  assert.equal(socket.select.select, select.select);
  assert.equal(typeof socket.selectors.DefaultSelector, 'function');
});

// ------------------------------------------------------------------- select

test('bad arguments are TypeError or RangeError with Python\'s messages (test_select: test_error_conditions)', () => {
  assert.throws(() => select.select(1 as never, 2 as never, 3 as never), { name: 'TypeError', message: 'arguments 1-3 must be sequences' });
  assert.throws(() => select.select([{}] as never, [], []), { name: 'TypeError', message: 'argument must be an int, or have a fileno() method.' });
  assert.throws(() => select.select([{ fileno: 5 }] as never, [], []), TypeError);
  assert.throws(() => select.select([{ fileno: () => 'x' }] as never, [], []), { name: 'TypeError', message: 'fileno() returned a non-integer' });
  assert.throws(() => select.select([], [], [], 'not a number' as never), { name: 'TypeError', message: 'timeout must be a float or None' });
  assert.throws(() => select.select([], [], [], -1), { name: 'RangeError', message: 'timeout must be non-negative' });
  assert.throws(() => select.select([], [], [], NaN), { name: 'RangeError', message: 'Invalid value NaN (not a number)' });
  assert.throws(() => select.select([], [], [], 1e300), RangeError);
  assert.throws(() => select.select([], [], [], Infinity), RangeError);
  assert.throws(() => select.select([-1], [], [], 0), { name: 'RangeError', message: 'file descriptor cannot be a negative integer (-1)' });
  assert.throws(() => select.select([2 ** 40], [], [], 0), RangeError);
  assert.throws(() => select.select([1.5] as never, [], [], 0), TypeError);
  // The timeout is read before the lists, as CPython does.
  assert.throws(() => select.select(1 as never, [], [], -1), { message: 'timeout must be non-negative' });
});

test('a descriptor at or past FD_SETSIZE is Python\'s ValueError, as RangeError (selectmodule: "filedescriptor out of range in select()")', () => {
  assert.throws(() => select.select([1024], [], [], 0), { name: 'RangeError', message: 'filedescriptor out of range in select()' });
  assert.throws(() => select.select([], [], [65535], 0), { name: 'RangeError', message: 'filedescriptor out of range in select()' });
});

test('a fileno() that throws propagates its own error, and a closed socket is the negative descriptor (test_select: Almost, test_errno)', () => {
  class Boom extends Error {}
  assert.throws(() => select.select([{ fileno: () => { throw new Boom('x'); } }], [], [], 0), Boom);
  const [a, b] = socket.socketpair();
  b.close();
  try {
    assert.throws(() => select.select([b], [], [], 0), { name: 'RangeError', message: 'file descriptor cannot be a negative integer (-1)' });
  } finally {
    a.close();
  }
});

test('a descriptor that is not open is EBADF (test_select: test_errno)', () => {
  // Python on this kernel is the oracle for what select() says about it.
  const py = python<string | number>(`
import json, os, select
fd = os.open(${JSON.stringify(process.execPath)}, os.O_RDONLY); os.close(fd)
try:
    select.select([fd], [], [], 0); print(json.dumps('ok'))
except OSError as e:
    print(json.dumps(e.errno))`);
  // Closed right before the call, so nothing (the oracle's child process) reuses the number.
  const f = openSync(process.execPath, 'r');
  closeSync(f);
  if (py === 'ok') assert.deepEqual(select.select([f], [], [], 0)[0].length >= 0, true);
  else assert.throws(() => select.select([f], [], [], 0), (e: socket.OSError) => e.errno === py);
});

test('ready objects come back as the same objects, in order, in fresh arrays; timeout 0 polls (test_select: test_returned_list_identity, test_select)', () => {
  const [a, b] = socket.socketpair();
  const [c, d] = socket.socketpair();
  try {
    const empty: number[] = [];
    const r = select.select(empty, empty, empty, 0);
    assert.deepEqual(r, [[], [], []]);
    assert.notEqual(r[0], empty);
    assert.deepEqual(select.select([a, b, c, d], [], [], 0), [[], [], []]);
    d.send(Buffer.from('x'));
    b.send(Buffer.from('y'));
    const [rr, ww] = select.select([d, c, b.fileno(), a], [a, 5000 - 5000 + d.fileno()], [], 0);
    assert.deepEqual(rr, [c, a]);
    assert.equal(rr[0], c);
    assert.deepEqual(ww, [a, d.fileno()]);
    // Duplicates are reported for each occurrence, as Python does.
    assert.deepEqual(select.select([a, a], [], [], 0)[0], [a, a]);
    // Any iterable, with any object that has fileno().
    const wrapped = { fileno: () => a.fileno() };
    assert.deepEqual(select.select(new Set([wrapped]), [], [], null)[0], [wrapped]);
  } finally {
    closeAll(a, b, c, d);
  }
});

test('select waits until data arrives (no timeout), and out-of-band data is the exceptional condition (test_select: test_select)', async () => {
  const [srv, cli] = await tcpPairAsync();
  const [a, b] = socket.socketpair();
  try {
    const peer = runPeer('core', 'sendLater', [b.fileno(), 100, 'later']);
    const t0 = performance.now();
    const [r] = select.select([a], [], []);
    assert.deepEqual(r, [a]);
    assert.ok(since(t0) >= 50, 'it waited');
    await peer.done;
    cli.send(Buffer.from('!'), socket.MSG_OOB);
    for (let i = 0; i < 50; i++) {
      const [, , x] = select.select([], [], [srv], 1);
      if (x.length === 1) break;
    }
    assert.deepEqual(select.select([], [], [srv], 1)[2], [srv]);
  } finally {
    closeAll(a, b, srv, cli);
  }
});

async function tcpPairAsync(): Promise<[socket.Socket, socket.Socket]> {
  const l = socket.create_server(['127.0.0.1', 0]);
  const c = socket.create_connection(['127.0.0.1', (l.getsockname() as [string, number])[1]]);
  const [s] = l.accept();
  l.close();
  return [s, c];
}

test('select rounds its timeout up to whole microseconds, as CPython\'s _PyTime_ROUND_TIMEOUT', () => {
  const calls = argsOf('select_wait', () => {
    select.select([], [], [], 1e-7);
    select.select([], [], [], 0.5);
    select.select([], [], [], 1.0000001);
    select.select([], [], [], 2);
    select.select([], [], [], 0);
  });
  assert.deepEqual(calls.map((c) => [c[3], c[4]]), [[0, 1], [0, 500000], [1, 1], [2, 0], [0, 0]]);
});

test('EINTR in select is retried with the time left, never raised (PEP 475)', () => {
  let calls = 0;
  const t0 = performance.now();
  const seen: number[] = [];
  const r = patched('select_wait', () => (...a) => {
    if (++calls > 100) throw new Error('the deadline never came: the clock restarts on EINTR');
    seen.push((a[3] as number) * 1e6 + (a[4] as number));
    sleepSync(60);
    return -EINTR;
  }, () => select.select([], [], [], 0.3));
  assert.deepEqual(r, [[], [], []]);
  assert.ok(calls >= 3 && calls <= 10, `${calls} calls`);
  assert.ok(seen.every((us, i) => i === 0 || us < seen[i - 1]!), `the time left shrinks: ${seen}`);
  assert.ok(since(t0) >= 250);
});

// ---- real signals, in a child whose main thread they hit

const SELECT_DIST = new URL('../../dist/select.js', import.meta.url).href;
const DIST = new URL('../../dist/index.js', import.meta.url).href;

async function underSignals(body: string): Promise<Record<string, unknown>> {
  const code = `
    import * as socket from ${JSON.stringify(DIST)};
    import * as select from ${JSON.stringify(SELECT_DIST)};
    let handled = 0;
    process.on('SIGUSR2', () => { handled++; });
    process.stdout.write('ready\\n');
    await new Promise((r) => setTimeout(r, 50));
    const out = {};
    ${body}
    await new Promise((r) => setImmediate(r));
    out.handled = handled;
    process.stdout.write(JSON.stringify(out) + '\\n');
    await new Promise((r) => setTimeout(r, 300));
  `;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'bsd-select-sig-')), 'child.mjs');
  writeFileSync(file, code);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  let timer: NodeJS.Timeout | undefined;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (timer === undefined && stdout.includes('ready\n')) timer = setInterval(() => child.kill('SIGUSR2'), 10);
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

test('select, poll and epoll under a stream of signals keep their deadline and return empty (PEP 475; test_selectors: test_select_interrupt_noraise)', async () => {
  const r = await underSignals(`
    const [a, b] = socket.socketpair();
    const p = select.poll(); p.register(a, select.POLLIN);
    const ep = select.epoll(); ep.register(a, select.EPOLLIN);
    let t0 = performance.now();
    out.select = select.select([a], [], [], 0.4).flat().length; out.selectTook = performance.now() - t0;
    t0 = performance.now();
    out.poll = p.poll(400).length; out.pollTook = performance.now() - t0;
    t0 = performance.now();
    out.epoll = ep.poll(0.4).length; out.epollTook = performance.now() - t0;
    ep.close(); a.close(); b.close();
  `);
  assert.ok((r['handled'] as number) > 0, 'signals arrived during the calls');
  for (const k of ['select', 'poll', 'epoll']) {
    assert.equal(r[k], 0, k);
    const took = r[`${k}Took`] as number;
    assert.ok(took >= 380 && took < 5000, `${k} took ${took} ms`);
  }
});

// -------------------------------------------------------------------- poll

test('poll: register, modify, unregister and the ready list in registration order (test_poll: test_poll1, test_poll_unit_tests)', () => {
  const [a, b] = socket.socketpair();
  const [c, d] = socket.socketpair();
  const p = select.poll();
  try {
    p.register(a, select.POLLIN);
    p.register(c.fileno());
    p.register(d, select.POLLIN);
    assert.deepEqual(p.poll(0), [[c.fileno(), select.POLLOUT]]);
    b.send(Buffer.from('x'));
    c.send(Buffer.from('y'));
    assert.deepEqual(p.poll(0), [[a.fileno(), select.POLLIN], [c.fileno(), select.POLLOUT], [d.fileno(), select.POLLIN]]);
    // Registering again replaces the mask and keeps the place.
    p.register(a, select.POLLOUT);
    p.modify(d, select.POLLOUT);
    assert.deepEqual(p.poll(0).map(([fd]) => fd), fds([a, c, d]));
    p.unregister(c);
    assert.deepEqual(p.poll(0).map(([fd]) => fd), fds([a, d]));
    assert.throws(() => p.unregister(c), (e: Error) => e instanceof select.KeyError && e instanceof RangeError && e.name === 'KeyError');
    assert.throws(() => p.modify(c, select.POLLIN), socket.FileNotFoundError);
    // A closed descriptor reports POLLNVAL (test_poll_unit_tests).
    const [e1, e2] = socket.socketpair();
    const dead = e1.fileno();
    e1.close();
    e2.close();
    const q = select.poll();
    q.register(dead);
    const r = q.poll(0);
    if (openFd(dead)) assert.ok(r.length <= 1);
    else assert.deepEqual(r, [[dead, select.POLLNVAL]]);
  } finally {
    closeAll(a, b, c, d);
  }
});

function openFd(fd: number): boolean {
  try {
    execFileSync('true', { stdio: 'ignore' });
    return socket.socket(null, null, null, fd).detach() >= 0;
  } catch {
    return false;
  }
}

test('poll: bad masks and timeouts are the documented errors and change nothing (test_poll: test_poll_c_limits)', () => {
  const [a, b] = socket.socketpair();
  const p = select.poll();
  try {
    assert.throws(() => p.register(a, 65536), { name: 'RangeError', message: 'Python int too large for C unsigned short' });
    assert.throws(() => p.register(a, -1), { name: 'RangeError', message: 'value must be positive' });
    assert.throws(() => p.register(a, 1.5), { name: 'TypeError', message: 'an integer is required' });
    assert.throws(() => p.register({} as never), TypeError);
    assert.throws(() => p.register(-1), RangeError);
    assert.deepEqual(p.poll(0), [], 'nothing was registered');
    p.register(a, select.POLLOUT);
    assert.throws(() => p.modify(a, 65536), RangeError);
    assert.deepEqual(p.poll(0), [[a.fileno(), select.POLLOUT]], 'the mask is unchanged');
    assert.throws(() => p.poll(2 ** 31), { name: 'RangeError', message: 'timeout is too large' });
    assert.throws(() => p.poll(2 ** 32), RangeError);
    assert.throws(() => p.poll(NaN), { name: 'RangeError', message: 'Invalid value NaN (not a number)' });
    assert.throws(() => p.poll(1e300), RangeError);
    assert.throws(() => p.poll('x' as never), { name: 'TypeError', message: 'timeout must be an integer or None' });
  } finally {
    closeAll(a, b);
  }
});

test('poll rounds milliseconds up (_PyTime_ROUND_TIMEOUT); null, absent and negative wait forever', () => {
  const p = select.poll();
  const seen: unknown[] = [];
  patched('poll_wait', () => (...a) => { seen.push(a[2]); return 0; }, () => {
    p.poll(0.1); p.poll(1.5); p.poll(0); p.poll(7); p.poll(-0.5); p.poll(-5); p.poll(null); p.poll();
  });
  assert.deepEqual(seen, [1, 2, 0, 7, -1, -1, -1, -1]);
});

test('poll with a negative timeout blocks until a descriptor is ready (test_poll: test_poll_blocks_with_negative_ms)', async () => {
  const [a, b] = socket.socketpair();
  const p = select.poll();
  try {
    p.register(a, select.POLLIN);
    const peer = runPeer('core', 'sendLater', [b.fileno(), 150, 'x']);
    const t0 = performance.now();
    assert.deepEqual(p.poll(-1), [[a.fileno(), select.POLLIN]]);
    assert.ok(since(t0) >= 100, 'it waited');
    await peer.done;
  } finally {
    closeAll(a, b);
  }
});

test('EINTR in poll is retried with the time left recomputed (PEP 475)', () => {
  const p = select.poll();
  const seen: number[] = [];
  const t0 = performance.now();
  patched('poll_wait', () => (...a) => {
    if (seen.length > 100) throw new Error('the deadline never came');
    seen.push(a[2] as number);
    sleepSync(60);
    return -EINTR;
  }, () => assert.deepEqual(p.poll(300), []));
  assert.ok(seen.length >= 3 && seen.length <= 10, `${seen}`);
  assert.ok(seen.every((ms, i) => i === 0 || ms < seen[i - 1]!), `${seen}`);
  assert.ok(since(t0) >= 250);
});

/** `n` socketpairs (2n descriptors); closes them all after fn. */
function withPairs<T>(n: number, fn: (pairs: Array<[socket.Socket, socket.Socket]>) => T): T {
  const pairs: Array<[socket.Socket, socket.Socket]> = [];
  try {
    for (let i = 0; i < n; i++) pairs.push(socket.socketpair());
    return fn(pairs);
  } finally {
    for (const [x, y] of pairs) closeAll(x, y);
  }
}

test('poll and epoll have no FD_SETSIZE limit: 10,000 descriptors, the ready ones found (test_selectors: test_above_fd_setsize)', () => {
  withPairs(5000, (pairs) => {
    const all = pairs.flat();
    assert.ok(Math.max(...fds(all)) >= 10_000 - 1 || all.length === 10_000);
    assert.ok(Math.max(...fds(all)) > 1024, 'descriptors past FD_SETSIZE');
    const p = select.poll();
    const ep = select.epoll();
    try {
      for (const s of all) {
        p.register(s, select.POLLIN);
        ep.register(s, select.EPOLLIN);
      }
      assert.deepEqual(p.poll(0), []);
      assert.deepEqual(ep.poll(0), []);
      const last = pairs[4999]!, first = pairs[0]!;
      last[1].send(Buffer.from('x'));
      first[0].send(Buffer.from('y'));
      assert.deepEqual(p.poll(0), [[first[1].fileno(), select.POLLIN], [last[0].fileno(), select.POLLIN]]);
      assert.deepEqual(ep.poll(0).sort((x, y) => x[0] - y[0]),
        [[first[1].fileno(), select.EPOLLIN], [last[0].fileno(), select.EPOLLIN]].sort((x, y) => x[0]! - y[0]!));
      // select() refuses the same descriptors (FD_SETSIZE).
      assert.throws(() => select.select([last[0]], [], [], 0), { message: 'filedescriptor out of range in select()' });
    } finally {
      ep.close();
    }
  });
});

// ------------------------------------------------------------------- epoll

test('epoll: create, fileno, closed, close idempotent, using, close-on-exec (test_epoll: test_create, test_context_manager, test_fd_non_inheritable)', () => {
  const ep = select.epoll(16);
  assert.ok(ep.fileno() > 0);
  assert.equal(ep.closed, false);
  assert.ok(isCloexec(ep.fileno()));
  ep.close();
  assert.equal(ep.closed, true);
  ep.close();
  assert.throws(() => ep.fileno(), { name: 'RangeError', message: 'I/O operation on closed epoll object' });
  const e2 = select.epoll(-1, select.EPOLL_CLOEXEC);
  e2.close();
  let inner: select.Epoll;
  {
    using e3 = select.epoll();
    inner = e3;
    assert.equal(e3.closed, false);
  }
  assert.equal(inner.closed, true);
  const e4 = new select.Epoll();
  assert.ok(e4 instanceof select.Epoll);
  e4.close();
});

test('epoll: bad sizehint and flags (test_epoll: test_badcreate)', () => {
  assert.throws(() => select.epoll(0), { name: 'RangeError', message: 'negative sizehint' });
  assert.throws(() => select.epoll(-2), { name: 'RangeError', message: 'negative sizehint' });
  assert.throws(() => select.epoll(1, 5), (e: socket.OSError) => e instanceof socket.OSError && e.message === 'invalid flags' && e.errno === null);
  assert.throws(() => select.epoll('x' as never), TypeError);
  assert.throws(() => select.epoll(1.5), TypeError);
});

test('epoll: register twice is FileExistsError, unknown is FileNotFoundError, bad descriptors are TypeError/RangeError (test_epoll: test_add, test_errors)', () => {
  const [a, b] = socket.socketpair();
  const ep = select.epoll();
  try {
    ep.register(a.fileno(), select.EPOLLIN | select.EPOLLOUT);
    ep.register(b);
    assert.throws(() => ep.register(a), socket.FileExistsError);
    assert.throws(() => ep.register({} as never), TypeError);
    assert.throws(() => ep.register(-1), RangeError);
    assert.throws(() => ep.register(a, 2 ** 32), RangeError);
    assert.throws(() => ep.register(a, -1), socket.OSError); // every bit: the kernel's EINVAL, as Python
    const [c, d] = socket.socketpair();
    assert.throws(() => ep.modify(c, select.EPOLLIN), socket.FileNotFoundError);
    assert.throws(() => ep.unregister(c), socket.FileNotFoundError);
    closeAll(c, d);
    assert.throws(() => ep.poll(0, 0), { name: 'RangeError', message: 'maxevents must be greater than 0, got 0' });
    assert.throws(() => ep.poll(0, -2), { name: 'RangeError', message: 'maxevents must be greater than 0, got -2' });
    assert.throws(() => ep.poll(NaN), { name: 'RangeError', message: 'Invalid value NaN (not a number)' });
    assert.throws(() => ep.poll(3e6), { name: 'RangeError', message: 'timeout is too large' });
    assert.throws(() => ep.poll(1e300), RangeError);
    assert.throws(() => ep.poll('x' as never), { name: 'TypeError', message: 'timeout must be an integer or None' });
    assert.equal(ep.poll(0, 1).length, 1, 'maxevents bounds the result');
    assert.equal(ep.poll(0).length, 2);
  } finally {
    ep.close();
    closeAll(a, b);
  }
});

test('epoll: control and wait, results as unsigned masks (test_epoll: test_control_and_wait)', () => {
  const [a, b] = socket.socketpair();
  const ep = select.epoll(16);
  try {
    ep.register(a, select.EPOLLIN | select.EPOLLOUT | select.EPOLLET);
    ep.register(b, select.EPOLLIN | select.EPOLLOUT | select.EPOLLET);
    const r = ep.poll(1, 4).sort((x, y) => x[0] - y[0]);
    assert.deepEqual(r, [[a.fileno(), select.EPOLLOUT], [b.fileno(), select.EPOLLOUT]].sort((x, y) => x[0]! - y[0]!));
    // Edge-triggered: nothing new, nothing reported.
    assert.deepEqual(ep.poll(0), []);
    a.send(Buffer.from('Hello!'));
    b.send(Buffer.from('world!!!'));
    const r2 = ep.poll(1, 4).sort((x, y) => x[0] - y[0]);
    const both = select.EPOLLIN | select.EPOLLOUT;
    assert.deepEqual(r2, [[a.fileno(), both], [b.fileno(), both]].sort((x, y) => x[0]! - y[0]!));
    ep.unregister(b);
    ep.modify(a, select.EPOLLOUT);
    assert.deepEqual(ep.poll(0), [[a.fileno(), select.EPOLLOUT]]);
    // Timeouts: seconds, negative waits forever (rounded to ms, up).
    const seen: unknown[] = [];
    patched('epoll_wait_into', () => (...x) => { seen.push(x[3]); return 0; }, () => {
      ep.poll(1e-4); ep.poll(0.0015); ep.poll(-0.5); ep.poll(null); ep.poll(2);
    });
    assert.deepEqual(seen, [1, 2, -1, -1, 2000]);
  } finally {
    ep.close();
    closeAll(a, b);
  }
});

test('epoll: EPOLLET reports a change once, EPOLLONESHOT disarms until modify (epoll(7))', () => {
  const [a, b] = socket.socketpair();
  const ep = select.epoll();
  try {
    ep.register(a, select.EPOLLIN | select.EPOLLET);
    assert.deepEqual(ep.poll(0), []);
    b.send(Buffer.from('1'));
    assert.deepEqual(ep.poll(0), [[a.fileno(), select.EPOLLIN]]);
    assert.deepEqual(ep.poll(0), [], 'edge-triggered: the same data is not reported again');
    b.send(Buffer.from('2'));
    assert.deepEqual(ep.poll(0), [[a.fileno(), select.EPOLLIN]], 'new data is a new edge');
    a.recv(10);
    ep.modify(a, select.EPOLLIN | select.EPOLLONESHOT);
    assert.deepEqual(ep.poll(0), []);
    b.send(Buffer.from('3'));
    assert.deepEqual(ep.poll(0), [[a.fileno(), select.EPOLLIN]]);
    b.send(Buffer.from('4'));
    assert.deepEqual(ep.poll(0), [], 'one-shot: disarmed after one report');
    ep.modify(a, select.EPOLLIN);
    assert.deepEqual(ep.poll(0), [[a.fileno(), select.EPOLLIN]], 're-armed by modify (level-triggered now)');
    assert.deepEqual(ep.poll(0), [[a.fileno(), select.EPOLLIN]]);
  } finally {
    ep.close();
    closeAll(a, b);
  }
});

test('epoll: fromfd adopts a descriptor; unregistering a closed one is EBADF (test_epoll: test_fromfd, test_unregister_closed)', () => {
  const [a, b] = socket.socketpair();
  const ep = select.epoll();
  try {
    ep.register(a, select.EPOLLOUT);
    const dupFd = nativeTable['dup']!(ep.fileno());
    assert.ok(dupFd > 0);
    const ep2 = select.epoll.fromfd(dupFd);
    assert.equal(ep2.fileno(), dupFd);
    assert.deepEqual(ep2.poll(0), [[a.fileno(), select.EPOLLOUT]], 'the same interest list');
    ep2.close();
    const [c, d] = socket.socketpair();
    ep.register(c, select.EPOLLIN);
    const cfd = c.fileno();
    c.close();
    assert.throws(() => ep.unregister(cfd), (e: socket.OSError) => e.errno === 9);
    d.close();
  } finally {
    ep.close();
    closeAll(a, b);
  }
});

test('epoll: a closed object refuses every call with Python\'s ValueError, as RangeError (test_epoll: test_close)', () => {
  const [a, b] = socket.socketpair();
  const ep = select.epoll();
  ep.close();
  try {
    const closed = { name: 'RangeError', message: 'I/O operation on closed epoll object' };
    assert.throws(() => ep.poll(0), closed);
    assert.throws(() => ep.register(a), closed);
    assert.throws(() => ep.modify(a, 1), closed);
    assert.throws(() => ep.unregister(a), closed);
    assert.throws(() => ep.fileno(), closed);
  } finally {
    closeAll(a, b);
  }
});

test('epoll: an object collected while open closes its descriptor (no leak)', () => {
  const code = `
    import * as select from ${JSON.stringify(SELECT_DIST)};
    import { readdirSync, readlinkSync } from 'node:fs';
    const count = () => readdirSync('/proc/self/fd').filter((n) => { try { return readlinkSync('/proc/self/fd/' + n).includes('eventpoll'); } catch { return false; } }).length;
    const before = count();
    (() => { for (let i = 0; i < 50; i++) select.epoll(); })();
    const during = count();
    for (let i = 0; i < 20 && count() > before; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
    console.log(JSON.stringify([before, during, count()]));
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  const [before, during, after] = JSON.parse(out) as number[];
  assert.equal(during, before! + 50);
  assert.equal(after, before);
});
