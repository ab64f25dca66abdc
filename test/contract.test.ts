/**
 * The public contract of DESIGN §2 and §3, name by name: the module-level
 * names and their kinds, the aliases, the Socket methods and read-only
 * properties, the `async` twins (on the socket, on the module and through the
 * `bsd-socket/async` subpath), the options object in the place of trailing
 * optional positionals, twins rejecting rather than throwing, and the
 * package's exports map and bundled declarations. The type-level half is
 * test/types/public-api.ts (type-checked by tsc, never run).
 */
import { checkNoLeaks } from './helpers/fds.js';
checkNoLeaks();

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as socket from 'bsd-socket';
import * as asyncMod from 'bsd-socket/async';

const require = createRequire(import.meta.url);
const mod = socket as unknown as Record<string, unknown>;

// ---- DESIGN §2: module-level names --------------------------------------------------------

const FUNCTIONS = [
  'socket', 'socketpair', 'fromfd', 'create_connection', 'create_server', 'has_dualstack_ipv6',
  'getaddrinfo', 'getnameinfo', 'gethostbyname', 'gethostbyname_ex', 'gethostbyaddr',
  'gethostname', 'sethostname', 'getfqdn', 'getservbyname', 'getservbyport',
  'getprotobyname', 'inet_aton', 'inet_ntoa', 'inet_pton', 'inet_ntop', 'htons', 'htonl',
  'ntohs', 'ntohl', 'if_nameindex', 'if_nametoindex', 'if_indextoname', 'CMSG_LEN',
  'CMSG_SPACE', 'getdefaulttimeout', 'setdefaulttimeout', 'send_fds', 'recv_fds', 'close',
] as const;

const ERROR_CLASSES = [
  'OSError', 'error', 'BlockingIOError', 'BrokenPipeError', 'ConnectionAbortedError',
  'ConnectionRefusedError', 'ConnectionResetError', 'FileExistsError', 'FileNotFoundError',
  'InterruptedError', 'PermissionError', 'TimeoutError', 'timeout', 'herror', 'gaierror',
] as const;

/** One constant of each group DESIGN §2 names (test/constants.test.ts compares them all with python3). */
const CONSTANTS = [
  'AF_INET', 'AF_INET6', 'AF_UNIX', 'SOCK_STREAM', 'SOCK_DGRAM', 'SO_REUSEADDR', 'SOL_SOCKET',
  'SCM_RIGHTS', 'MSG_PEEK', 'IPPROTO_TCP', 'IPPORT_RESERVED', 'INADDR_ANY', 'IP_TOS',
  'IPV6_V6ONLY', 'TCP_NODELAY', 'EAI_NONAME', 'AI_PASSIVE', 'NI_NUMERICHOST', 'SHUT_RDWR',
  'SOMAXCONN', 'CAN_RAW', 'PACKET_HOST', 'NETLINK_ROUTE', 'ALG_SET_KEY', 'VMADDR_CID_ANY',
  'SO_VM_SOCKETS_BUFFER_SIZE', 'TIPC_ADDR_ID',
] as const;

test('every module-level function of DESIGN §2 exists under its exact name', () => {
  const missing = FUNCTIONS.filter((n) => typeof mod[n] !== 'function');
  assert.deepEqual(missing, []);
});

test('the error classes are exported classes deriving from Error; error/timeout are the same objects', () => {
  for (const n of ERROR_CLASSES) {
    const C = mod[n];
    assert.equal(typeof C, 'function', n);
    assert.ok((C as { prototype: unknown }).prototype instanceof Error, `${n} derives from Error`);
  }
  assert.equal(socket.error, socket.OSError);
  assert.equal(socket.timeout, socket.TimeoutError);
  for (const n of ERROR_CLASSES) {
    if (n === 'OSError' || n === 'error') continue;
    assert.ok((mod[n] as { prototype: unknown }).prototype instanceof socket.OSError, `${n} is an OSError`);
  }
  for (const C of [socket.BrokenPipeError, socket.ConnectionAbortedError, socket.ConnectionRefusedError,
    socket.ConnectionResetError]) {
    assert.ok(C.prototype instanceof socket.ConnectionError, C.name);
  }
  // instanceof works on a real error.
  const [holder, port] = closedPort();
  try {
    const s = socket.socket();
    try {
      assert.throws(() => s.connect(['127.0.0.1', port]), (e: unknown) =>
        e instanceof socket.ConnectionRefusedError && e instanceof socket.ConnectionError &&
        e instanceof socket.error && e instanceof Error && e.code === 'ECONNREFUSED' && typeof e.errno === 'number' &&
        e.errno > 0);
    } finally {
      s.close();
    }
  } finally {
    holder.close();
  }
});

test('SocketType is Socket; Socket is a class; has_ipv6 a boolean', () => {
  assert.equal(typeof socket.Socket, 'function');
  assert.equal(socket.SocketType, socket.Socket);
  assert.equal(typeof socket.has_ipv6, 'boolean');
  const s = new socket.Socket(socket.AF_INET, socket.SOCK_STREAM);
  try {
    assert.ok(s instanceof socket.SocketType);
    const t = socket.socket();
    try {
      assert.ok(t instanceof socket.Socket);
    } finally {
      t.close();
    }
  } finally {
    s.close();
  }
});

test('the constants of every group are numbers', () => {
  const wrong = CONSTANTS.filter((n) => typeof mod[n] !== 'number' || !Number.isInteger(mod[n]));
  assert.deepEqual(wrong, []);
  const prefixes = ['AF_', 'SOCK_', 'SO_', 'SOL_', 'SCM_', 'MSG_', 'IPPROTO_', 'IPPORT_', 'INADDR_', 'IP_',
    'IPV6_', 'TCP_', 'EAI_', 'AI_', 'NI_', 'SHUT_', 'CAN_', 'PACKET_', 'NETLINK_', 'ALG_', 'VMADDR_', 'SO_VM_',
    'TIPC_'];
  for (const p of prefixes) {
    const names = Object.keys(mod).filter((k) => k.startsWith(p) && /^[A-Z0-9_]+$/.test(k));
    assert.ok(names.some((k) => typeof mod[k] === 'number'), `some ${p}* constant`);
    // A name the platform's headers lack is undefined at run time (docs/decisions.md §12).
    for (const k of names) assert.ok(typeof mod[k] === 'number' || mod[k] === undefined, k);
  }
});

// ---- DESIGN §2: Socket methods and properties --------------------------------------------

const METHODS = [
  'accept', 'bind', 'close', 'connect', 'connect_ex', 'detach', 'dup', 'fileno', 'get_inheritable',
  'set_inheritable', 'getpeername', 'getsockname', 'getsockopt', 'setsockopt', 'gettimeout', 'settimeout',
  'getblocking', 'setblocking', 'listen', 'makefile', 'recv', 'recvfrom', 'recvmsg', 'recvmsg_into',
  'recvfrom_into', 'recv_into', 'send', 'sendall', 'sendto', 'sendmsg', 'sendfile', 'shutdown',
] as const;

test('every Socket method of DESIGN §2 is on the prototype, and Symbol.dispose closes', () => {
  const proto = socket.Socket.prototype as unknown as Record<string | symbol, unknown>;
  const missing = METHODS.filter((m) => typeof proto[m] !== 'function');
  assert.deepEqual(missing, []);
  assert.equal(typeof proto[Symbol.dispose], 'function');
  const s = socket.socket();
  s[Symbol.dispose]();
  assert.equal(s.fileno(), -1);
  s.close(); // idempotent
  s[Symbol.dispose]();
});

test('family, type, proto and timeout are read-only accessors', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    const w = s as unknown as Record<string, unknown>;
    for (const p of ['family', 'type', 'proto', 'timeout']) {
      const d = Object.getOwnPropertyDescriptor(socket.Socket.prototype, p);
      assert.ok(d !== undefined && typeof d.get === 'function', `${p} is a getter`);
      assert.equal(d.set, undefined, `${p} has no setter`);
      const before = w[p];
      assert.throws(() => { w[p] = 3; }, TypeError, `assigning ${p} throws (module code is strict)`);
      assert.equal(w[p], before);
    }
    assert.equal(s.family, socket.AF_INET);
    assert.equal(s.type, socket.SOCK_DGRAM);
    assert.equal(typeof s.proto, 'number');
    s.settimeout(2.5);
    assert.equal(s.timeout, 2.5);
  } finally {
    s.close();
  }
});

// ---- DESIGN §3: the twins ------------------------------------------------------------------

const SOCKET_TWINS = [
  'accept', 'connect', 'connect_ex', 'recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'send', 'sendall',
  'sendto', 'recvmsg', 'recvmsg_into', 'sendmsg', 'sendfile', 'sendmmsg', 'recvmmsg',
] as const;

const MODULE_TWINS = [
  'getaddrinfo', 'getnameinfo', 'gethostbyname', 'gethostbyname_ex', 'gethostbyaddr', 'getfqdn',
  'create_connection',
] as const;

test('sock.async has a twin of every waiting method, and the same view every time', () => {
  const s = socket.socket();
  try {
    const view = s.async as unknown as Record<string, unknown>;
    const missing = SOCKET_TWINS.filter((m) => typeof view[m] !== 'function');
    assert.deepEqual(missing, []);
    assert.equal(s.async, s.async);
  } finally {
    s.close();
  }
});

test('socket.async and bsd-socket/async expose the same module-level twins', () => {
  const ns = socket.async as unknown as Record<string, unknown>;
  const sub = asyncMod as unknown as Record<string, unknown>;
  for (const n of MODULE_TWINS) {
    assert.equal(typeof ns[n], 'function', `socket.async.${n}`);
    assert.equal(typeof sub[n], 'function', `bsd-socket/async ${n}`);
    assert.equal(ns[n], sub[n], `${n} is the same function in both`);
    assert.notEqual(ns[n], mod[n], `async ${n} is not the sync one`);
  }
  assert.equal(typeof asyncMod.AbortError, 'function');
  assert.equal(socket.async.AbortError, asyncMod.AbortError);
});

// ---- the options object in the place of trailing positionals -----------------------------

test("makefile('r', { encoding }) takes the options in buffering's place", () => {
  const [a, b] = socket.socketpair();
  try {
    a.sendall(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const f = b.makefile('r', { encoding: 'latin-1' });
    try {
      assert.equal(f.readline(), 'caf\u00e9\n');
    } finally {
      f.close();
    }
    const g = b.makefile({ encoding: 'utf-8' });
    g.close();
    const raw = b.makefile('rb', 0, {});
    assert.ok(raw instanceof socket.SocketIO);
    raw.close();
  } finally {
    a.close();
    b.close();
  }
});

test('create_server(address, { reuse_port, backlog }) takes the keyword-only options last', () => {
  const srv = socket.create_server(['127.0.0.1', 0], { reuse_port: true, backlog: 5 });
  try {
    assert.equal(srv.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 1);
    assert.equal(srv.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
  } finally {
    srv.close();
  }
});

test('create_connection(address, { all_errors }) in the place of timeout and source_address', async () => {
  const [holder, port] = closedPort();
  try {
    const addr = ['127.0.0.1', port] as const;
    assert.throws(() => socket.create_connection(addr, { all_errors: true }), (e: unknown) =>
      e instanceof AggregateError && e.errors.length >= 1 && e.errors.every((x) => x instanceof socket.ConnectionRefusedError));
    assert.throws(() => socket.create_connection(addr, 5, { all_errors: true }), AggregateError);
    assert.throws(() => socket.create_connection(addr, 5, null, { all_errors: true }), AggregateError);
    assert.throws(() => socket.create_connection(addr, { all_errors: false }), socket.ConnectionRefusedError);
    await assert.rejects(socket.async.create_connection(addr, { all_errors: true }), AggregateError);
    await assert.rejects(socket.async.create_connection(addr, 5, { all_errors: true }), AggregateError);
    await assert.rejects(socket.async.create_connection(addr, {}), socket.ConnectionRefusedError);
    const aborted = AbortSignal.abort();
    await assert.rejects(socket.async.create_connection(addr, { signal: aborted }), asyncMod.AbortError);
  } finally {
    holder.close();
  }
  const srv = socket.create_server(['127.0.0.1', 0]);
  try {
    const port2 = (srv.getsockname() as [string, number])[1];
    const c = socket.create_connection(['127.0.0.1', port2], { all_errors: true });
    const d = await socket.async.create_connection(['127.0.0.1', port2], { all_errors: true });
    c.close();
    d.close();
  } finally {
    srv.close();
  }
});

test('module twins take the options object in the place of trailing positionals', async () => {
  const infos = await socket.async.getaddrinfo('127.0.0.1', 80, socket.AF_INET, { signal: new AbortController().signal });
  assert.ok(infos.length > 0 && infos.every((i) => i[0] === socket.AF_INET));
  const infos2 = await socket.async.getaddrinfo('127.0.0.1', 80, {});
  assert.ok(infos2.length > 0);
  const aborted = AbortSignal.abort();
  await assert.rejects(socket.async.getaddrinfo('127.0.0.1', 80, { signal: aborted }), asyncMod.AbortError);
  await assert.rejects(socket.async.getnameinfo(['127.0.0.1', 80], socket.NI_NUMERICHOST, { signal: aborted }),
    asyncMod.AbortError);
  await assert.rejects(socket.async.gethostbyname('127.0.0.1', { signal: aborted }), asyncMod.AbortError);
  await assert.rejects(socket.async.gethostbyname_ex('127.0.0.1', { signal: aborted }), asyncMod.AbortError);
  await assert.rejects(socket.async.gethostbyaddr('127.0.0.1', { signal: aborted }), asyncMod.AbortError);
  await assert.rejects(socket.async.getfqdn({ signal: aborted }), asyncMod.AbortError);
  await assert.rejects(socket.async.getfqdn('127.0.0.1', { signal: aborted }), asyncMod.AbortError);
  assert.equal(await socket.async.gethostbyname('127.0.0.1', {}), '127.0.0.1');
});

test('socket twins: { signal } in the place of trailing optionals, and after all of them', async () => {
  const [a, b] = socket.socketpair();
  try {
    const { signal } = new AbortController();
    a.sendall(Buffer.from('abcdef'));
    assert.equal((await b.async.recv(2, { signal })).toString(), 'ab');
    assert.equal((await b.async.recv(2, 0, { signal })).toString(), 'cd');
    const buf = Buffer.alloc(2);
    assert.equal(await b.async.recv_into(buf, { signal }), 2);
    assert.equal(buf.toString(), 'ef');
    assert.equal(await a.async.send(Buffer.from('x'), { signal }), 1);
    await a.async.sendall(Buffer.from('y'), { signal });
    await a.async.sendall(Buffer.from('z'), 0, { signal });
    assert.equal(await b.async.recv_into(Buffer.alloc(3), 3, { signal }), 3);
    assert.equal(await a.async.sendmsg([Buffer.from('m1')], null, { signal }), 2);
    assert.equal(await a.async.sendmsg([Buffer.from('m2')], { signal }), 2);
    const [m1] = await b.async.recvmsg(2, 0, { signal });
    assert.equal(m1.toString(), 'm1');
    const into = Buffer.alloc(2);
    const [n2] = await b.async.recvmsg_into([into], 0, { signal });
    assert.equal(n2, 2);
    assert.equal(into.toString(), 'm2');
  } finally {
    a.close();
    b.close();
  }
});

/** Whether a non-blocking recv on `s` finds nothing queued. */
function empty(s: socket.Socket): boolean {
  const t = s.gettimeout();
  s.setblocking(false);
  try {
    s.recv(1);
    return false;
  } catch (e) {
    if (e instanceof socket.BlockingIOError) return true;
    throw e;
  } finally {
    s.settimeout(t);
  }
}

test('a twin given an already-aborted signal rejects with AbortError and consumes nothing', async () => {
  const aborted = AbortSignal.abort();
  const isAbort = (e: unknown): boolean => e instanceof asyncMod.AbortError && e.name === 'AbortError';

  // Stream: the queued bytes stay queued.
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    a.sendall(Buffer.from('keep'));
    await assert.rejects(b.async.recv(10, { signal: aborted }), isAbort);
    await assert.rejects(b.async.recv(10, 0, { signal: aborted }), isAbort);
    await assert.rejects(b.async.recv_into(Buffer.alloc(4), { signal: aborted }), isAbort);
    await assert.rejects(b.async.recvfrom(10, { signal: aborted }), isAbort);
    await assert.rejects(b.async.recvfrom_into(Buffer.alloc(4), { signal: aborted }), isAbort);
    await assert.rejects(b.async.recvmsg(10, { signal: aborted }), isAbort);
    await assert.rejects(b.async.recvmsg_into([Buffer.alloc(4)], { signal: aborted }), isAbort);
    await assert.rejects(b.async.recvmsg(10, 64, { signal: aborted }), isAbort);
    await assert.rejects(b.async.recvmsg_into([Buffer.alloc(4)], 64, { signal: aborted }), isAbort);
    assert.equal(b.recv(10).toString(), 'keep');
    // Nothing is sent either.
    await assert.rejects(a.async.send(Buffer.from('no'), { signal: aborted }), isAbort);
    await assert.rejects(a.async.sendall(Buffer.from('no'), { signal: aborted }), isAbort);
    await assert.rejects(a.async.sendmsg([Buffer.from('no')], { signal: aborted }), isAbort);
    await assert.rejects(a.async.sendmsg([Buffer.from('no')], null, { signal: aborted }), isAbort);
    await assert.rejects(a.async.sendmsg([Buffer.from('no')], [], 0, { signal: aborted }), isAbort);
    assert.ok(empty(b), 'nothing was sent');
  } finally {
    a.close();
    b.close();
  }

  // Datagrams: recvmmsg/sendmmsg/sendto.
  const [c, d] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    c.send(Buffer.from('dgram'));
    await assert.rejects(d.async.recvmmsg(4, 16, { signal: aborted }), isAbort);
    assert.equal(d.recv(16).toString(), 'dgram');
    await assert.rejects(c.async.sendmmsg([[Buffer.from('no')]], { signal: aborted }), isAbort);
    assert.ok(empty(d), 'nothing was sent by sendmmsg');
  } finally {
    c.close();
    d.close();
  }
  const u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    u2.bind(['127.0.0.1', 0]);
    await assert.rejects(u1.async.sendto(Buffer.from('no'), u2.getsockname(), { signal: aborted }), isAbort);
    await assert.rejects(u1.async.sendto(Buffer.from('no'), 0, u2.getsockname(), { signal: aborted }), isAbort);
    assert.ok(empty(u2), 'nothing was sent by sendto');
  } finally {
    u1.close();
    u2.close();
  }

  // accept leaves the pending connection queued; connect does not connect.
  const srv = socket.create_server(['127.0.0.1', 0]);
  const port = (srv.getsockname() as [string, number])[1];
  const cli = socket.create_connection(['127.0.0.1', port]);
  const other = socket.socket();
  try {
    await assert.rejects(srv.async.accept({ signal: aborted }), isAbort);
    srv.settimeout(5);
    const [conn] = srv.accept();
    conn.close();
    await assert.rejects(other.async.connect(['127.0.0.1', port], { signal: aborted }), isAbort);
    await assert.rejects(other.async.connect_ex(['127.0.0.1', port], { signal: aborted }), isAbort);
    assert.throws(() => other.getpeername(), socket.OSError);
  } finally {
    cli.close();
    other.close();
    srv.close();
  }

  // sendfile sends nothing and leaves the file position alone.
  const dir = mkdtempSync(path.join(tmpdir(), 'bsd-contract-'));
  const file = path.join(dir, 'f');
  writeFileSync(file, 'file data');
  const fd = openSync(file, 'r');
  const [e, f] = socket.socketpair();
  try {
    await assert.rejects(e.async.sendfile(fd, { signal: aborted }), isAbort);
    await assert.rejects(e.async.sendfile(fd, 0, { signal: aborted }), isAbort);
    assert.ok(empty(f), 'nothing was sent by sendfile');
    assert.equal(e.sendfile(fd), 9);
    assert.equal(f.recv(16).toString(), 'file data');
  } finally {
    closeSync(fd);
    e.close();
    f.close();
    rmSync(dir, { recursive: true });
  }
});

test('a pending twin rejects with AbortError when its signal fires', async () => {
  const [a, b] = socket.socketpair();
  try {
    const ac = new AbortController();
    const p = b.async.recv(10, { signal: ac.signal });
    ac.abort();
    await assert.rejects(p, asyncMod.AbortError);
    a.sendall(Buffer.from('later'));
    assert.equal((await b.async.recv(10)).toString(), 'later');
  } finally {
    a.close();
    b.close();
  }
});

/** Calls `fn`, failing if it throws synchronously; returns what it returned. */
function noThrow(name: string, fn: () => unknown): Promise<unknown> {
  let r: unknown;
  try {
    r = fn();
  } catch (e) {
    assert.fail(`${name} threw synchronously: ${String(e)}`);
  }
  assert.ok(r instanceof Promise, `${name} returns a Promise`);
  return r;
}

test('a twin given bad arguments returns a rejected Promise, never throws', async () => {
  const [a, b] = socket.socketpair();
  const dg = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const closed = socket.socket();
  closed.close();
  try {
    // Bad arguments go through the loosely typed view, as plain JS callers would call it.
    const v = a.async as unknown as Record<string, (...args: unknown[]) => unknown>;
    const d = dg.async as unknown as Record<string, (...args: unknown[]) => unknown>;
    const calls: Array<[string, () => unknown]> = [
      ['accept("x")', () => v.accept!('x')],
      ['connect(42)', () => v.connect!(42)],
      ['connect()', () => v.connect!()],
      ['connect_ex(42)', () => v.connect_ex!(42)],
      ['recv("x")', () => v.recv!('x')],
      ['recv(-1)', () => v.recv!(-1)],
      ['recv(1, "x")', () => v.recv!(1, 'x')],
      ['recv(1, 0, { signal: 1 })', () => v.recv!(1, 0, { signal: 1 })],
      ['recv_into("x")', () => v.recv_into!('x')],
      ['recv_into(buf, 99)', () => v.recv_into!(Buffer.alloc(1), 99)],
      ['recvfrom("x")', () => v.recvfrom!('x')],
      ['recvfrom_into(1)', () => v.recvfrom_into!(1)],
      ['send("str")', () => v.send!('str')],
      ['sendall("str")', () => v.sendall!('str')],
      ['sendto("str", addr)', () => d.sendto!('str', ['127.0.0.1', 9])],
      ['sendto(buf)', () => d.sendto!(Buffer.from('x'))],
      ['recvmsg("x")', () => v.recvmsg!('x')],
      ['recvmsg(-1)', () => v.recvmsg!(-1)],
      ['recvmsg_into(1)', () => v.recvmsg_into!(1)],
      ['sendmsg(1)', () => v.sendmsg!(1)],
      ['sendmsg(["str"])', () => v.sendmsg!(['str'])],
      ['sendfile("x")', () => v.sendfile!('x')],
      ['sendmmsg(1)', () => d.sendmmsg!(1)],
      ['recvmmsg("x", 1)', () => d.recvmmsg!('x', 1)],
      ['recvmmsg(0, 1)', () => d.recvmmsg!(0, 1)],
      ['recv on a closed socket', () => closed.async.recv(1)],
      ['accept on a closed socket', () => closed.async.accept()],
      ['connect on a closed socket', () => closed.async.connect(['127.0.0.1', 9])],
    ];
    for (const [name, fn] of calls) {
      await assert.rejects(noThrow(name, fn), (e: unknown) =>
        e instanceof TypeError || e instanceof RangeError || e instanceof socket.OSError, name);
    }
    const m = socket.async as unknown as Record<string, (...args: unknown[]) => unknown>;
    const moduleCalls: Array<[string, () => unknown]> = [
      ['getaddrinfo(42, 80)', () => m.getaddrinfo!(42, 80)],
      ['getaddrinfo("h", 80, "x")', () => m.getaddrinfo!('localhost', 80, 'x')],
      ['getnameinfo("x", 0)', () => m.getnameinfo!('x', 0)],
      ['gethostbyname(42)', () => m.gethostbyname!(42)],
      ['gethostbyname_ex(42)', () => m.gethostbyname_ex!(42)],
      ['gethostbyaddr(42)', () => m.gethostbyaddr!(42)],
      ['getfqdn(42)', () => m.getfqdn!(42)],
      ['create_connection("x")', () => m.create_connection!('x')],
      ['create_connection(addr, "x")', () => m.create_connection!(['127.0.0.1', 9], 'x')],
      ['gethostbyname("x", { signal: 1 })', () => m.gethostbyname!('x', { signal: 1 })],
    ];
    for (const [name, fn] of moduleCalls) {
      await assert.rejects(noThrow(name, fn), (e: unknown) =>
        e instanceof TypeError || e instanceof RangeError || e instanceof socket.OSError, name);
    }
  } finally {
    a.close();
    b.close();
    dg.close();
  }
});

// ---- the package: exports map, subpath, declarations -------------------------------------

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the exports map resolves bsd-socket, bsd-socket/async and bsd-socket/package.json', () => {
  const pkgPath = require.resolve('bsd-socket/package.json');
  assert.equal(pkgPath, path.join(root, 'package.json'));
  const pkg = require('bsd-socket/package.json') as {
    name: string; type: string; types: string; exports: Record<string, string | Record<string, string>>;
  };
  assert.equal(pkg.name, 'bsd-socket');
  assert.equal(pkg.type, 'module');
  assert.equal(import.meta.resolve('bsd-socket'), new URL('dist/index.js', `file://${root}/`).href);
  assert.equal(import.meta.resolve('bsd-socket/async'), new URL('dist/async.js', `file://${root}/`).href);
  for (const [sub, entry] of [['.', 'index'], ['./async', 'async']] as const) {
    const e = pkg.exports[sub];
    assert.ok(typeof e === 'object' && e !== null, `exports['${sub}'] has conditions`);
    const keys = Object.keys(e);
    assert.equal(keys[0], 'types', `exports['${sub}'].types comes first`);
    assert.equal(e.types, `./dist/${entry}.d.ts`);
    assert.equal(e.default, `./dist/${entry}.js`);
    assert.ok(existsSync(path.join(root, 'dist', `${entry}.d.ts`)), `dist/${entry}.d.ts`);
    assert.ok(existsSync(path.join(root, 'dist', `${entry}.js`)), `dist/${entry}.js`);
  }
  assert.equal(pkg.exports['./package.json'], './package.json');
  assert.equal(pkg.types, './dist/index.d.ts');
  // The file exists, but the exports map hides it. Node names the reason
  // (ERR_PACKAGE_PATH_NOT_EXPORTED); Bun reports ERR_MODULE_NOT_FOUND.
  assert.ok(existsSync(path.join(root, 'dist', 'socket.js')));
  assert.throws(() => import.meta.resolve('bsd-socket/dist/socket.js'),
    process.versions['bun'] !== undefined ? { code: 'ERR_MODULE_NOT_FOUND' } : /ERR_PACKAGE_PATH_NOT_EXPORTED|not exported/i);
});

/** Every .d.ts under `dir`. */
function declarations(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) declarations(full, out);
    else if (name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

test('the bundled declarations use no `any`', () => {
  const offenders: string[] = [];
  for (const file of declarations(path.join(root, 'dist'))) {
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
    code.split('\n').forEach((line, i) => {
      if (/\bany\b/.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});

/** A port on 127.0.0.1 where nothing listens (bound, never listening). */
function closedPort(): [socket.Socket, number] {
  const holder = socket.socket();
  holder.bind(['127.0.0.1', 0]);
  return [holder, (holder.getsockname() as [string, number])[1]];
}
