// `npm run soak -- --minutes N [--interval S]`: a mixed workload on one event
// loop for N minutes (TCP echo, UDP, Unix descriptor passing, socket churn,
// resolver twins on localhost), sampled every S seconds (default 10) at a
// quiescent point. Prints the samples as a table and fails when growth goes on
// after warm-up (the criterion is `verdict()` below, documented in docs/stress.md).
// Runs under --expose-gc (the npm script passes it) so heap samples are live data.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as socket from '../dist/index.js';

function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`--${name} needs a positive number`);
  return v;
}

const MiB = 1024 * 1024;
const TCP_CLIENTS = 16;
const counts = { echo: 0, udp: 0, fds: 0, churn: 0, resolve: 0 };

// ---- the pause gate: every loop stops at the top of its round while sampling ----
let paused = null;
let stopping = false;
async function gate() {
  while (paused !== null) await paused.promise;
  return !stopping;
}
function pause() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  paused = { promise, resolve };
}
function resume() {
  const p = paused;
  paused = null;
  p?.resolve();
}

/** A payload whose bytes depend on (seed, length), checked on the way back. */
function payload(seed, n) {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}
async function recvExactly(sock, n) {
  const parts = [];
  let got = 0;
  while (got < n) {
    const d = await sock.async.recv(n - got);
    if (d.length === 0) throw new Error('peer closed mid-message');
    parts.push(d);
    got += d.length;
  }
  return Buffer.concat(parts, n);
}

// ---- workloads: each an endless loop of rounds, pausing at gate() ----------

async function tcpEcho(srv) {
  const addr = srv.getsockname();
  const conns = [];
  for (let i = 0; i < TCP_CLIENTS; i++) {
    const cli = socket.socket();
    await cli.async.connect(addr);
    const [conn] = await srv.async.accept();
    conns.push([cli, conn]);
  }
  const loops = conns.map(async ([cli, conn], k) => {
    let round = 0;
    while (await gate()) {
      const n = 1 + ((round * 977 + k * 131) % 65536);
      const out = payload(round + k, n);
      const echo = (async () => { const d = await recvExactly(conn, n); await conn.async.sendall(d); })();
      await cli.async.sendall(out);
      const back = await recvExactly(cli, n);
      await echo;
      if (!back.equals(out)) throw new Error(`tcp echo: bytes differ (client ${k}, round ${round})`);
      counts.echo++;
      round++;
    }
  });
  try {
    await Promise.all(loops);
  } finally {
    for (const [a, b] of conns) { a.close(); b.close(); }
  }
}

async function udp() {
  const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    a.bind(['127.0.0.1', 0]);
    b.bind(['127.0.0.1', 0]);
    const bAddr = b.getsockname();
    let round = 0;
    while (await gate()) {
      const out = payload(round, 1 + (round % 1400));
      const got = b.async.recvfrom(2048);
      await a.async.sendto(out, bAddr);
      const [data, from] = await got;
      if (!data.equals(out) || from[1] !== a.getsockname()[1]) throw new Error(`udp: datagram ${round} differs`);
      counts.udp++;
      round++;
    }
  } finally {
    a.close();
    b.close();
  }
}

async function fdPassing() {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    let round = 0;
    while (await gate()) {
      // Pass one end of a fresh pair; the receiver writes through it, the sender reads.
      const [x, y] = socket.socketpair();
      const got = b.async.recvmsg(16, socket.CMSG_SPACE(4));
      await a.async.sendmsg([Buffer.from('fd')], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, Buffer.from(new Int32Array([y.fileno()]).buffer)]]);
      y.close();
      const [, anc] = await got;
      const fd = anc[0][2].readInt32LE(0);
      const passed = new socket.Socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, fd);
      const msg = payload(round, 64);
      await passed.async.sendall(msg);
      const back = await recvExactly(x, 64);
      passed.close();
      x.close();
      if (!back.equals(msg)) throw new Error(`fd passing: bytes differ in round ${round}`);
      counts.fds++;
      round++;
    }
  } finally {
    a.close();
    b.close();
  }
}

async function churn(srvAddr) {
  let round = 0;
  while (await gate()) {
    const kinds = [
      () => socket.socket(),
      () => socket.socket(socket.AF_INET6, socket.SOCK_DGRAM),
      () => socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET),
    ];
    for (const make of kinds) make().close();
    const [p, q] = socket.socketpair();
    p.close();
    q.close();
    // A connection made and dropped (the listener's accept loop takes it).
    const c = socket.socket();
    await c.async.connect(srvAddr);
    c.close();
    // A twin withdrawn by close.
    const [r, w] = socket.socketpair();
    const pending = r.async.recv(10).catch((e) => e);
    r.close();
    const e = await pending;
    w.close();
    if (!(e instanceof socket.OSError)) throw new Error('churn: a closed socket\'s twin did not reject with OSError');
    counts.churn++;
    round++;
  }
}

async function churnAcceptor(srv) {
  for (;;) {
    let conn;
    try {
      [conn] = await srv.async.accept();
    } catch (e) {
      if (stopping) return;
      throw e;
    }
    conn.close();
  }
}

async function resolver() {
  while (await gate()) {
    const [v4, lo] = await Promise.all([
      socket.async.getaddrinfo('127.0.0.1', 80, socket.AF_INET, socket.SOCK_STREAM),
      socket.async.getaddrinfo('localhost', 'http', 0, socket.SOCK_STREAM),
    ]);
    if (v4[0][4][0] !== '127.0.0.1' || lo.length === 0) throw new Error('resolver: unexpected answer');
    const [host] = await socket.async.getnameinfo(['127.0.0.1', 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV);
    if (host !== '127.0.0.1') throw new Error(`resolver: getnameinfo gave ${host}`);
    counts.resolve++;
  }
}

// ---- sampling --------------------------------------------------------------

function descriptors() {
  return readdirSync('/proc/self/fd').length;
}
async function sample(t0) {
  pause();
  // Every loop reaches its gate within a round; give them a few turns, then collect.
  await new Promise((r) => setTimeout(r, 200));
  globalThis.gc();
  await new Promise((r) => setImmediate(r));
  globalThis.gc();
  const m = process.memoryUsage();
  const s = {
    t: Math.round((performance.now() - t0) / 1000),
    rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers,
    fds: descriptors(), handles: process.getActiveResourcesInfo().length,
    watchers: socket.async.reactorState().watchers,
    ops: { ...counts },
  };
  resume();
  return s;
}

/**
 * The criterion: after warm-up (the first fifth of the run, at least one
 * sample), descriptors, active resources and the reactor's watchers at each
 * quiescent sample equal the first post-warm-up sample's, and RSS and heap
 * pass growthAfterWarmup() with 4 MiB / 1 MiB of slack. Memory that levels
 * off passes; memory that keeps climbing fails, whatever its start.
 */
export function verdict(samples) {
  const warm = Math.max(1, Math.floor(samples.length / 5));
  const post = samples.slice(warm);
  const problems = [];
  if (post.length < 2) return { warm, problems: ['too few samples after warm-up: run longer'] };
  const ref = post[0];
  for (const s of post) {
    if (s.fds !== ref.fds) problems.push(`descriptors ${ref.fds} -> ${s.fds} at ${s.t} s`);
    if (s.handles !== ref.handles) problems.push(`active resources ${ref.handles} -> ${s.handles} at ${s.t} s`);
    if (s.watchers !== ref.watchers) problems.push(`reactor watchers ${ref.watchers} -> ${s.watchers} at ${s.t} s`);
  }
  for (const [k, slack] of [['rss', 4 * MiB], ['heap', 1 * MiB]]) {
    const growth = growthAfterWarmup(samples.map((x) => x[k]), slack);
    if (growth !== null) problems.push(`${k} still growing: ${growth}`);
  }
  return { warm, problems };
}

/**
 * The memory half of the criterion, shared with the plateau tests
 * (test/stress/plateau.test.ts): after warm-up (the first fifth of the
 * samples, at least one), the peak of the second half of the rest may exceed
 * the peak of its first half by 10 % plus `slack` bytes. Null when it holds,
 * else the two peaks in MiB.
 */
export function growthAfterWarmup(values, slack) {
  const post = values.slice(Math.max(1, Math.floor(values.length / 5)));
  if (post.length < 2) return 'too few samples after warm-up';
  const half = Math.ceil(post.length / 2);
  const first = Math.max(...post.slice(0, half));
  const second = Math.max(...post.slice(half));
  return second > first * 1.1 + slack ? `peak ${(first / MiB).toFixed(1)} -> ${(second / MiB).toFixed(1)} MiB` : null;
}

function table(samples) {
  const mb = (v) => (v / MiB).toFixed(1);
  const rows = [['t (s)', 'RSS MiB', 'heap MiB', 'ext MiB', 'fds', 'handles', 'watchers', 'echo', 'udp', 'fd-pass', 'churn', 'resolve']];
  let prev = { echo: 0, udp: 0, fds: 0, churn: 0, resolve: 0 };
  for (const s of samples) {
    rows.push([s.t, mb(s.rss), mb(s.heap), mb(s.external), s.fds, s.handles, s.watchers,
      ...['echo', 'udp', 'fds', 'churn', 'resolve'].map((k) => s.ops[k] - prev[k])].map(String));
    prev = s.ops;
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padStart(w[i])).join(' | ')} |`;
  return [line(rows[0]), `|${w.map((n) => '-'.repeat(n + 1) + ':').join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

async function main() {
  const minutes = option('minutes', 1);
  const intervalS = option('interval', 10);
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc (npm run soak does)');
  const echoSrv = socket.socket();
  echoSrv.bind(['127.0.0.1', 0]);
  echoSrv.listen();
  const churnSrv = socket.socket();
  churnSrv.bind(['127.0.0.1', 0]);
  churnSrv.listen();
  let failure = null;
  const fail = (e) => { failure ??= e; stopping = true; resume(); };
  const work = [tcpEcho(echoSrv), udp(), fdPassing(), churn(churnSrv.getsockname()), resolver()].map((p) => p.catch(fail));
  const acceptor = churnAcceptor(churnSrv).catch(fail);

  const t0 = performance.now();
  const end = t0 + minutes * 60_000;
  const samples = [];
  console.log(`soak: ${minutes} min, a sample every ${intervalS} s (pid ${process.pid})`);
  while (failure === null && performance.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(intervalS * 1000, Math.max(0, end - performance.now()))));
    if (failure !== null) break;
    const s = await sample(t0);
    samples.push(s);
    console.log(`  ${s.t} s: rss ${(s.rss / MiB).toFixed(1)} MiB, heap ${(s.heap / MiB).toFixed(1)} MiB, fds ${s.fds}, handles ${s.handles}, watchers ${s.watchers}`);
  }
  stopping = true;
  resume();
  await Promise.all(work);
  churnSrv.close();
  echoSrv.close();
  await acceptor;
  console.log('');
  console.log(table(samples));
  console.log('');
  const totals = Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`operations: ${totals}`);
  if (failure !== null) {
    console.error('soak: workload failed:', failure);
    process.exitCode = 1;
    return;
  }
  const { warm, problems } = verdict(samples);
  if (problems.length > 0) {
    console.error(`soak: FAIL (warm-up: first ${warm} samples)\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`soak: PASS (warm-up: first ${warm} samples; descriptors and handles constant, memory levels off)`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
