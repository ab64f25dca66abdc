/**
 * The thread poller (native/poller.c): the readiness path of runtimes whose
 * Node-API has no libuv (Bun, Deno), forced here under Node with
 * BSD_SOCKET_POLLER=thread in child processes and workers, so `npm test`
 * covers it whatever the runtime. The async test files also run whole over
 * it (scripts/test.mjs, second pass).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';

checkNoLeaks();

const pkg = new URL('../../dist/index.js', import.meta.url).href;
const THREAD_ENV = { ...process.env, BSD_SOCKET_POLLER: 'thread' };

/** Runs `code` (an ES module) in a child Node process with the thread poller forced. */
async function child(code: string): Promise<{ ms: number; stdout: string; status: number | null }> {
  const t0 = performance.now();
  const cp = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'], env: THREAD_ENV });
  let stdout = '';
  cp.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  const timer = setTimeout(() => cp.kill('SIGKILL'), 20_000);
  const status = await new Promise<number | null>((r) => cp.on('close', (c) => r(c)));
  clearTimeout(timer);
  return { ms: performance.now() - t0, stdout, status };
}

test('thread poller: BSD_SOCKET_POLLER=thread selects it; a twin completes; idle armed watchers let the process exit', async () => {
  const r = await child(`
    import * as socket from ${JSON.stringify(pkg)};
    const [a, b] = socket.socketpair();
    const p = b.async.recv(10);
    setTimeout(() => a.send(Buffer.from('x')), 20);
    const got = (await p).toString();
    // The watcher stays open and armed (disarmed lazily), and the poller
    // thread keeps running: neither may hold the process.
    globalThis.keep = [a, b];
    const st = socket.async.reactorState();
    const w = socket.async.watcherState(b);
    process.stdout.write([st.poller, got, st.pending, st.watchers, w.open, w.referenced].join(' ') + '\\n');
  `);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'thread x 0 1 true false\n');
  assert.ok(r.ms < 15_000, `exited after ${r.ms} ms`);
});

test('thread poller: a pending twin keeps the process alive until it resolves (the threadsafe function is referenced)', async () => {
  const r = await child(`
    import * as socket from ${JSON.stringify(pkg)};
    const [a, b] = socket.socketpair();
    const p = b.async.recv(10);
    const t0 = Date.now();
    // Only an unreferenced worker's late write resolves the twin: the process must stay for it.
    const peer = socket.fromfd(a.fileno(), socket.AF_UNIX, socket.SOCK_STREAM);
    a.close();
    const { Worker } = await import('node:worker_threads');
    new Worker('import { workerData } from "node:worker_threads"; import fs from "node:fs"; Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); fs.writeSync(workerData, "x");', { eval: true, workerData: peer.fileno() }).unref();
    const d = await p;
    const st = socket.async.reactorState();
    process.stdout.write(st.poller + ' ' + d.toString() + ' ' + (Date.now() - t0 >= 250 ? 'waited' : 'early') + '\\n');
    peer.close(); b.close();
  `);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'thread x waited\n');
});

test('thread poller: a ping-pong that ends inside a delivery drops the reference, and the process exits', async () => {
  const r = await child(`
    import * as socket from ${JSON.stringify(pkg)};
    const [a, b] = socket.socketpair();
    const echo = (async () => { for (let i = 0; i < 2000; i++) await b.async.sendall(await b.async.recv(1)); })();
    for (let i = 0; i < 2000; i++) { await a.async.sendall(Buffer.from('x')); await a.async.recv(1); }
    await echo;
    globalThis.keep = [a, b];
    setImmediate(() => {
      const st = socket.async.reactorState();
      process.stdout.write(st.poller + ' ' + st.pending + ' ' + st.referenced + '\\n');
    });
  `);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'thread 0 false\n');
  assert.ok(r.ms < 15_000, `exited after ${r.ms} ms`);
});

test('thread poller: close() while twins are pending rejects them with EBADF and the number can be reused at once', async () => {
  const r = await child(`
    import * as socket from ${JSON.stringify(pkg)};
    const [a, b] = socket.socketpair();
    const fd = b.fileno();
    const reads = [b.async.recv(1), b.async.recv(1)];
    await new Promise((r) => setTimeout(r, 20));
    b.close();
    const codes = (await Promise.allSettled(reads)).map((s) => s.status === 'rejected' ? s.reason.code : 'resolved');
    // The number comes back for the next socket, whose twin is woken by its own readiness.
    const [c, d] = socket.socketpair();
    const reused = c.fileno() === fd || d.fileno() === fd;
    const p = d.async.recv(10);
    await new Promise((r) => setTimeout(r, 20));
    c.send(Buffer.from('fresh'));
    process.stdout.write([socket.async.reactorState().poller, codes.join(','), reused, (await p).toString()].join(' ') + '\\n');
    a.close(); c.close(); d.close();
  `);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'thread EBADF,EBADF true fresh\n');
});

/** Counts this process's epoll sets, eventfds and threads. */
function pollerResources(): { epoll: number; eventfd: number; threads: number } {
  let epoll = 0;
  let eventfd = 0;
  for (const name of readdirSync('/proc/self/fd')) {
    let target = '';
    try { target = readlinkSync(`/proc/self/fd/${name}`); } catch { continue; }
    if (target === 'anon_inode:[eventpoll]') epoll++;
    else if (target === 'anon_inode:[eventfd]') eventfd++;
  }
  return { epoll, eventfd, threads: readdirSync('/proc/self/task').length };
}

test('thread poller: workers terminated with twins pending do not crash, and their poller threads, epoll sets and eventfds go away', async () => {
  const ROUNDS = 4;
  const WORKERS = 4;
  const PER_WORKER = 10;
  const script = new URL('./peers/poller-terminate.js', import.meta.url);
  const pairs = Array.from({ length: WORKERS * PER_WORKER }, () => socket.socketpair());
  // This thread's own twin (Node's own path), pending through every round.
  const [mine, minePeer] = socket.socketpair();
  const ownTwin = mine.async.recv(100);
  let baseline: ReturnType<typeof pollerResources> | null = null;
  try {
    let reported = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const workers = Array.from({ length: WORKERS }, (_, k) => new Worker(script, {
        env: THREAD_ENV,
        workerData: { fds: pairs.slice(k * PER_WORKER, (k + 1) * PER_WORKER).map(([, b]) => b.fileno()) },
      }));
      await Promise.all(workers.map(async (w, k) => {
        // Every other worker is terminated before it can report.
        if ((round + k) % 2 === 0) {
          const m = await new Promise<{ pending: number; poller: string }>((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
          });
          assert.deepEqual(m, { pending: PER_WORKER, poller: 'thread' });
          reported++;
        }
        await w.terminate();
      }));
      // The descriptors the workers watched still work here.
      for (const [a, b] of pairs) {
        const p = a.async.recv(10);
        b.send(Buffer.from('alive'));
        assert.equal((await p).toString(), 'alive');
      }
      // Worker threads and their loops take a moment to go; bounded wait.
      let now = pollerResources();
      for (let i = 0; i < 40 && baseline !== null && (now.threads > baseline.threads || now.epoll > baseline.epoll || now.eventfd > baseline.eventfd); i++) {
        await new Promise((r) => setTimeout(r, 25));
        now = pollerResources();
      }
      if (baseline === null) baseline = now;
      else assert.deepEqual(now, baseline, `round ${round}: threads, epoll sets and eventfds as after the first round`);
    }
    assert.equal(reported, ROUNDS * WORKERS / 2);
    minePeer.send(Buffer.from('own twin'));
    assert.equal((await ownTwin).toString(), 'own twin');
    assert.equal(socket.async.reactorState().pending, 0);
  } finally {
    for (const [a, b] of pairs) { a.close(); b.close(); }
    mine.close();
    minePeer.close();
  }
});
