/**
 * bsd-socket/selectors: every selector class through the same cases, after
 * CPython's Lib/test/test_selectors.py (BaseSelectorTestCase and
 * ScalableSelectorMixIn; the CPython test named in each title), plus the
 * Promise twins of select(), the no-leak guarantees and the async twins of
 * bsd-socket/select.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import * as socket from 'bsd-socket';
import * as select from 'bsd-socket/select';
import * as selectors from 'bsd-socket/selectors';
import { AbortError } from 'bsd-socket/async';
import { checkNoLeaks } from './helpers/fds.js';
import { openLongLivedDescriptors } from './helpers/runtime.js';
import { closeAll, since } from './helpers/core.js';

// epoll descriptors count too; a worker's event loop has one until it is torn down.
await openLongLivedDescriptors();
checkNoLeaks(['socket:', 'pipe:', 'anon_inode:[eventpoll]'], 5000);

const { EVENT_READ, EVENT_WRITE } = selectors;
const classes: Array<[string, new () => selectors.BaseSelector]> = [
  ['SelectSelector', selectors.SelectSelector],
  ['PollSelector', selectors.PollSelector],
  ['EpollSelector', selectors.EpollSelector],
  ['DefaultSelector', selectors.DefaultSelector],
];

/** Runs fn with a fresh selector and a socketpair, closing all of them after. */
function withSel(Cls: new () => selectors.BaseSelector, fn: (s: selectors.BaseSelector, a: socket.Socket, b: socket.Socket) => void): void {
  const s = new Cls();
  const [a, b] = socket.socketpair();
  try {
    fn(s, a, b);
  } finally {
    s.close();
    closeAll(a, b);
  }
}

async function withSelAsync(Cls: new () => selectors.BaseSelector,
  fn: (s: selectors.BaseSelector, a: socket.Socket, b: socket.Socket) => Promise<void>): Promise<void> {
  const s = new Cls();
  const [a, b] = socket.socketpair();
  try {
    await fn(s, a, b);
  } finally {
    s.close();
    closeAll(a, b);
  }
}

const readyFds = (r: selectors.SelectResult): Array<[number, number]> =>
  r.map(([k, e]): [number, number] => [k.fd, e]).sort((x, y) => x[0] - y[0]);

test('DefaultSelector is the best selector here (EpollSelector on Linux)', () => {
  assert.equal(selectors.DefaultSelector, selectors.EpollSelector);
  assert.equal(selectors.EVENT_READ, 1);
  assert.equal(selectors.EVENT_WRITE, 2);
});

for (const [name, Cls] of classes) {
  test(`${name}: register returns the key; bad events, bad objects and twice are errors that change nothing (test_selectors: test_register, test_register_bad_fd)`, () => {
    withSel(Cls, (s, a) => {
      const key = s.register(a, EVENT_READ, 'data');
      assert.ok(key instanceof selectors.SelectorKey);
      assert.equal(key.fileobj, a);
      assert.equal(key.fd, a.fileno());
      assert.equal(key.events, EVENT_READ);
      assert.equal(key.data, 'data');
      const [fo, fd, ev, data] = key;
      assert.deepEqual([fo, fd, ev, data], [a, a.fileno(), EVENT_READ, 'data']);
      assert.throws(() => s.register(a, EVENT_READ), (e: Error) => e instanceof selectors.KeyError &&
        /is already registered/.test(e.message));
      assert.throws(() => s.register(a.fileno(), EVENT_READ), selectors.KeyError, 'the same descriptor');
      assert.throws(() => s.register({} as never, EVENT_READ), { name: 'RangeError', message: /^Invalid file object/ });
      assert.throws(() => s.register(-1, EVENT_READ), { name: 'RangeError', message: 'Invalid file descriptor: -1' });
      const [c, d] = socket.socketpair();
      try {
        assert.throws(() => s.register(c, 0), { name: 'RangeError', message: 'Invalid events: 0' });
        assert.throws(() => s.register(c, 4), { name: 'RangeError', message: 'Invalid events: 4' });
        assert.throws(() => s.register(c, 1.5), RangeError);
        assert.equal(s.get_map()!.size, 1, 'nothing registered by the failures');
      } finally {
        closeAll(c, d);
      }
    });
  });

  test(`${name}: unregister returns the key, also after the socket or descriptor was closed (test_selectors: test_unregister, test_unregister_after_fd_close, test_unregister_after_socket_close)`, () => {
    withSel(Cls, (s, a, b) => {
      s.register(a, EVENT_READ);
      const k = s.unregister(a);
      assert.equal(k.fileobj, a);
      assert.throws(() => s.unregister(a), { name: 'KeyError' });
      assert.equal(s.get_map()!.size, 0);
      const [c, d] = socket.socketpair();
      s.register(c, EVENT_READ);
      s.register(d.fileno(), EVENT_READ);
      c.close();
      assert.equal(s.unregister(c).fileobj, c, 'found by identity once fileno() is -1');
      const dfd = d.fileno();
      d.close();
      s.unregister(dfd);
      assert.equal(s.get_map()!.size, 0);
      void b;
    });
  });

  test(`${name}: modify changes events and data and returns the new key; unknown is KeyError (test_selectors: test_modify, test_modify_unregister)`, () => {
    withSel(Cls, (s, a, b) => {
      const k1 = s.register(a, EVENT_READ);
      const k2 = s.modify(a, EVENT_WRITE);
      assert.notEqual(k1.events, k2.events);
      assert.equal(s.get_key(a), k2);
      assert.deepEqual(readyFds(s.select(0)), [[a.fileno(), EVENT_WRITE]]);
      const k3 = s.modify(a, EVENT_WRITE, 'd2');
      assert.equal(k3.data, 'd2');
      assert.equal(s.get_key(a), k3);
      assert.equal(s.modify(a, EVENT_WRITE, 'd2'), k3, 'nothing changed: the same key');
      assert.throws(() => s.modify(b, EVENT_READ), (e: Error) => e.name === 'KeyError' && /is not registered/.test(e.message));
      assert.throws(() => s.modify(a, 0), { name: 'RangeError', message: 'Invalid events: 0' });
      assert.equal(s.get_key(a), k3, 'a refused modify changed nothing');
      s.unregister(a);
      assert.throws(() => s.modify(a, EVENT_READ), { name: 'KeyError' });
    });
  });

  test(`${name}: close forgets everything and later calls fail; get_map is null (test_selectors: test_close, test_context_manager)`, () => {
    withSel(Cls, (s, a) => {
      s.register(a, EVENT_READ);
      const m = s.get_map()!;
      s.close();
      s.close();
      assert.equal(s.get_map(), null);
      assert.equal(m.size, 0);
      assert.throws(() => s.get_key(a), { name: 'RangeError', message: 'Selector is closed' });
      assert.throws(() => s.register(a, EVENT_READ), RangeError);
      assert.throws(() => s.select(0), RangeError);
      assert.throws(() => s.unregister(a), { name: 'KeyError' });
    });
    const [a, b] = socket.socketpair();
    let inner: selectors.BaseSelector;
    {
      using s = new Cls();
      inner = s;
      s.register(a, EVENT_READ);
    }
    assert.equal(inner.get_map(), null);
    closeAll(a, b);
  });

  test(`${name}: get_key and get_map (test_selectors: test_get_key, test_get_map)`, () => {
    withSel(Cls, (s, a, b) => {
      assert.throws(() => s.get_key(a), (e: Error) => e.name === 'KeyError' && /is not registered/.test(e.message));
      const key = s.register(a, EVENT_READ, 'x');
      assert.equal(s.get_key(a), key);
      assert.equal(s.get_key(a.fileno()), key);
      const m = s.get_map()!;
      assert.equal(m.size, 1);
      assert.equal(m.get(a), key);
      assert.equal(m.get(a.fileno()), key);
      assert.equal(m.get(b), undefined);
      assert.equal(m.has(a), true);
      assert.deepEqual([...m], [a.fileno()], 'iterates the descriptors, as Python\'s mapping');
      assert.deepEqual([...m.values()], [key]);
      assert.throws(() => m.getItem(b), { name: 'KeyError' });
    });
  });

  test(`${name}: select reports the ready events each key asked for (test_selectors: test_select, test_select_read_write, test_empty_select)`, () => {
    withSel(Cls, (s, a, b) => {
      assert.deepEqual(s.select(0), []);
      s.register(a, EVENT_READ | EVENT_WRITE);
      s.register(b, EVENT_READ);
      assert.deepEqual(readyFds(s.select(0)), [[a.fileno(), EVENT_WRITE]]);
      b.send(Buffer.from('x'));
      a.send(Buffer.from('y'));
      assert.deepEqual(readyFds(s.select(0)), [[a.fileno(), EVENT_READ | EVENT_WRITE], [b.fileno(), EVENT_READ]]);
      assert.deepEqual(readyFds(s.select(-1)), readyFds(s.select(0)), 'a negative timeout polls');
      const r = s.select(null);
      assert.equal(r.length, 2);
      for (const [key] of r) assert.ok(key instanceof selectors.SelectorKey);
      assert.throws(() => s.select(NaN), RangeError);
    });
  });

  test(`${name}: select waits for the timeout and returns empty (test_selectors: test_timeout, test_empty_select_timeout)`, () => {
    withSel(Cls, (s, a) => {
      s.register(a, EVENT_READ);
      const t0 = performance.now();
      assert.deepEqual(s.select(0.1), []);
      assert.ok(since(t0) >= 80, `waited ${since(t0)} ms`);
    });
  });

  test(`${name}: select.async.select resolves when a key becomes ready, without blocking the loop`, async () => {
    await withSelAsync(Cls, async (s, a, b) => {
      s.register(a, EVENT_READ, 'd');
      // A turn of the loop first: its clock (and so the timers below) starts from now.
      await new Promise((r) => setImmediate(r));
      // The data is sent by a timer of this very loop: the twin can only see it
      // if the loop keeps running while it waits.
      let before = false;
      setTimeout(() => { before = true; }, 10);
      setTimeout(() => b.send(Buffer.from('x')), 80);
      const r = await s.async.select(5);
      assert.equal(r.length, 1);
      assert.equal(r[0]![0].data, 'd');
      assert.equal(r[0]![1], EVENT_READ);
      assert.ok(before, 'earlier timers ran while the twin waited');
      a.recv(10);
      // The timeout resolves empty; 0 polls.
      assert.deepEqual(await s.async.select(0.05), []);
      assert.deepEqual(await s.async.select(0), []);
    });
  });

  test(`${name}: select.async.select rejects with AbortError on abort and leaves the selector usable`, async () => {
    await withSelAsync(Cls, async (s, a, b) => {
      s.register(a, EVENT_READ);
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('stop')), 30);
      await assert.rejects(s.async.select(null, { signal: ac.signal }), (e: Error) => e instanceof AbortError);
      await assert.rejects(s.async.select(1, { signal: AbortSignal.abort() }), AbortError);
      await assert.rejects(s.async.select(1, { signal: 5 } as never), TypeError);
      b.send(Buffer.from('x'));
      assert.equal((await s.async.select(1)).length, 1);
      s.close();
      await assert.rejects(s.async.select(0), RangeError);
    });
  });
}

test('EpollSelector and DefaultSelector have fileno(), the epoll descriptor; close closes it (test_selectors: test_fileno)', () => {
  const s = new selectors.EpollSelector();
  const fd = s.fileno();
  assert.ok(fd > 0);
  s.close();
  assert.throws(() => s.fileno(), RangeError);
});

test('EpollSelector refuses a regular file with the kernel\'s EPERM and registers nothing (test_selectors: test_register_file)', () => {
  const s = new selectors.EpollSelector();
  const f = openSync(process.execPath, 'r');
  try {
    assert.throws(() => s.register(f, EVENT_READ), socket.PermissionError);
    assert.equal(s.get_map()!.size, 0);
    const p = new selectors.PollSelector();
    p.register(f, EVENT_READ | EVENT_WRITE);
    assert.deepEqual(readyFds(p.select(0)), [[f, EVENT_READ | EVENT_WRITE]], 'poll: a file is always ready');
    p.close();
  } finally {
    s.close();
    closeSync(f);
  }
});

test('PollSelector and EpollSelector scale past FD_SETSIZE; SelectSelector refuses it with select\'s RangeError (test_selectors: ScalableSelectorMixIn.test_above_fd_setsize)', () => {
  const pairs: Array<[socket.Socket, socket.Socket]> = [];
  try {
    for (let i = 0; i < 700; i++) pairs.push(socket.socketpair());
    for (const Cls of [selectors.PollSelector, selectors.EpollSelector]) {
      const s = new Cls();
      try {
        for (const [x, y] of pairs) {
          s.register(x, EVENT_READ);
          s.register(y, EVENT_WRITE);
        }
        const r = s.select(0);
        assert.equal(r.length, 700, 'every writer ready');
        assert.ok(r.every(([k, e]) => e === EVENT_WRITE && k.events === EVENT_WRITE));
      } finally {
        s.close();
      }
    }
    const ss = new selectors.SelectSelector();
    ss.register(pairs[699]![1], EVENT_READ);
    assert.throws(() => ss.select(0), { message: 'filedescriptor out of range in select()' });
    ss.close();
  } finally {
    for (const [x, y] of pairs) closeAll(x, y);
  }
});

test('a selector collected while open leaks no epoll descriptor; one left open at exit neither', () => {
  const SEL = new URL('../../dist/selectors.js', import.meta.url).href;
  const INDEX = new URL('../../dist/index.js', import.meta.url).href;
  // A socket to register, not stdin: what a runtime gives a child as stdin may not be pollable.
  const code = `
    import * as selectors from ${JSON.stringify(SEL)};
    import { socketpair } from ${JSON.stringify(INDEX)};
    const [watched] = socketpair();
    import { readdirSync, readlinkSync } from 'node:fs';
    const count = () => readdirSync('/proc/self/fd').filter((n) => { try { return readlinkSync('/proc/self/fd/' + n).includes('eventpoll'); } catch { return false; } }).length;
    const before = count();
    (() => { for (let i = 0; i < 30; i++) new selectors.DefaultSelector().register(watched, selectors.EVENT_READ); })();
    const during = count();
    for (let i = 0; i < 20 && count() > before; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
    console.log(JSON.stringify([before, during, count()]));
  `;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  const [before, during, after] = JSON.parse(out) as number[];
  assert.equal(during, before! + 30);
  assert.equal(after, before);
});

test('a worker thread that ends with selectors and epoll objects open leaves no descriptor behind', async () => {
  const { Worker } = await import('node:worker_threads');
  const { readdirSync, readlinkSync } = await import('node:fs');
  const count = (): number => readdirSync('/proc/self/fd').filter((n) => {
    try { return readlinkSync(`/proc/self/fd/${n}`).includes('eventpoll'); } catch { return false; }
  }).length;
  const before = count();
  const SEL = new URL('../../dist/selectors.js', import.meta.url).href;
  const SELECT = new URL('../../dist/select.js', import.meta.url).href;
  const w = new Worker(`
    const { parentPort } = require('node:worker_threads');
    (async () => {
      const selectors = await import(${JSON.stringify(SEL)});
      const select = await import(${JSON.stringify(SELECT)});
      globalThis.keep = [new selectors.DefaultSelector(), select.epoll(), new selectors.EpollSelector()];
      // Stay alive until the main thread has counted, then end with them open.
      parentPort.once('message', () => parentPort.close());
      parentPort.postMessage('open');
    })();
  `, { eval: true });
  const opened = new Promise((r) => w.once('message', r));
  await opened;
  const during = count();
  const exited = new Promise((r) => w.once('exit', r));
  w.postMessage('end');
  await exited;
  // The worker's own event loop has an epoll descriptor too.
  assert.ok(during >= before + 3, `${during} epoll descriptors while the worker ran, ${before} before`);
  for (let i = 0; i < 20 && count() > before; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(count(), before);
});

// ----------------------------------------------------- twins of bsd-socket/select

test('select.async.select resolves the ready objects like select(), honours its timeout, rejects bad input like select()', async () => {
  const [a, b] = socket.socketpair();
  try {
    setTimeout(() => b.send(Buffer.from('x')), 50);
    const [r, w, x] = await select.async.select([a, b.fileno()], [], [], 5);
    assert.deepEqual([r, w, x], [[a], [], []]);
    assert.deepEqual(await select.async.select([], [a], []), [[], [a], []], 'ready at once');
    a.recv(10);
    const t0 = performance.now();
    assert.deepEqual(await select.async.select([a], [], [], 0.1), [[], [], []]);
    assert.ok(since(t0) >= 80);
    await assert.rejects(select.async.select([a], [], [], -1), { name: 'RangeError', message: 'timeout must be non-negative' });
    await assert.rejects(select.async.select(5 as never, [], []), TypeError);
    await assert.rejects(select.async.select([1024], [], [], 0), RangeError);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(select.async.select([a], [], [], null, { signal: ac.signal }), AbortError);
    await assert.rejects(select.async.select([a], [], [], { signal: AbortSignal.abort() }), AbortError);
  } finally {
    closeAll(a, b);
  }
});

test('poll().async.poll and epoll().async.poll: same results as the sync calls, timeouts, abort, and EBADF when the epoll closes while waiting', async () => {
  const [a, b] = socket.socketpair();
  const p = select.poll();
  const ep = select.epoll();
  try {
    p.register(a, select.POLLIN);
    ep.register(a, select.EPOLLIN);
    setTimeout(() => b.send(Buffer.from('x')), 40);
    assert.deepEqual(await p.async.poll(5000), [[a.fileno(), select.POLLIN]]);
    assert.deepEqual(await ep.async.poll(5), [[a.fileno(), select.EPOLLIN]]);
    a.recv(10);
    assert.deepEqual(await p.async.poll(50), []);
    assert.deepEqual(await ep.async.poll(0.05), []);
    assert.deepEqual(await ep.async.poll(0.05, 1), []);
    await assert.rejects(ep.async.poll(0, 0), RangeError);
    await assert.rejects(p.async.poll('x' as never), TypeError);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(p.async.poll(null, { signal: ac.signal }), AbortError);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 20);
    await assert.rejects(ep.async.poll(null, -1, { signal: ac2.signal }), AbortError);
    // Two twins on one epoll at once share its watcher.
    setTimeout(() => b.send(Buffer.from('y')), 30);
    const [r1, r2] = await Promise.all([ep.async.poll(5), ep.async.poll(5)]);
    assert.ok(r1.length + r2.length >= 1);
    a.recv(10);
    const pending = ep.async.poll(null);
    setTimeout(() => ep.close(), 20);
    await assert.rejects(pending, (e: socket.OSError) => e.errno === 9);
  } finally {
    ep.close();
    closeAll(a, b);
  }
});

test('a condition epoll reports and select() ignores (a hang-up on an exception-only descriptor) wakes the select twin once, not every loop turn', async () => {
  const { native } = await import(new URL('../../dist/native.js', import.meta.url).href) as typeof import('../dist/native.js');
  const table = native as unknown as Record<string, (...a: unknown[]) => number>;
  const [a, b] = socket.socketpair();
  const orig = table['select_wait']!;
  let calls = 0;
  table['select_wait'] = (...x) => { calls++; return orig(...x); };
  try {
    b.close(); // a now has EPOLLHUP pending, and nothing exceptional for select()
    const t0 = performance.now();
    assert.deepEqual(await select.async.select([], [], [a], 0.3), [[], [], []]);
    assert.ok(since(t0) >= 250, 'it waited for its timeout');
    // The first try, one retry after the edge, the last look at the deadline.
    assert.ok(calls <= 5, `${calls} select() calls: the twin spun`);
  } finally {
    table['select_wait'] = orig;
    closeAll(a);
  }
});
