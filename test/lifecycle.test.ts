/**
 * Lifecycle of a socket object: construction, repr, close/dup/detach/fromfd,
 * fileno adoption, inheritance (FD_CLOEXEC), `using`, and the ResourceWarning
 * of a socket collected while open (CPython: GeneralModuleTests,
 * ContextManagersTest, InheritanceTest, TCPCloserTest, BasicTCPTest).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipUnderBun } from './helpers/runtime.js';
import { closeAll, isCloexec, listener, tcpPair, withDefaultTimeout } from './helpers/core.js';

checkNoLeaks();

const isEBADF = (e: unknown): boolean => e instanceof socket.OSError && e.errno === 9 && e.code === 'EBADF';

test('a default socket is AF_INET, SOCK_STREAM, proto 0 (test_socket: GeneralModuleTests.testNewAttributes)', () => {
  const s = socket.socket();
  try {
    assert.equal(s.family, socket.AF_INET);
    assert.equal(s.type, socket.SOCK_STREAM);
    assert.equal(s.proto, 0);
    assert.ok(s instanceof socket.Socket);
    assert.equal(socket.SocketType, socket.Socket);
    const n = new socket.Socket(socket.AF_INET6, socket.SOCK_DGRAM);
    assert.equal(n.family, socket.AF_INET6);
    assert.equal(n.type, socket.SOCK_DGRAM);
    n.close();
  } finally {
    s.close();
  }
});

test('the socket object has the documented methods (test_socket: GeneralModuleTests.test_socket_methods)', () => {
  const names = ['accept', 'bind', 'close', 'connect', 'connect_ex', 'detach', 'dup', 'fileno',
    'get_inheritable', 'set_inheritable', 'getpeername', 'getsockname', 'getsockopt', 'setsockopt',
    'gettimeout', 'settimeout', 'getblocking', 'setblocking', 'listen', 'makefile', 'recv', 'recvfrom',
    'recvmsg', 'recvmsg_into', 'recvfrom_into', 'recv_into', 'send', 'sendall', 'sendto', 'sendmsg',
    'sendfile', 'shutdown'];
  const s = socket.socket();
  try {
    for (const n of names) assert.equal(typeof (s as unknown as Record<string, unknown>)[n], 'function', n);
  } finally {
    s.close();
  }
});

test('toString/inspect show Python\'s repr, [closed] fd=-1 after close (test_socket: GeneralModuleTests.test_repr)', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const fd = s.fileno();
  try {
    assert.equal(s.toString(),
      `<socket.socket fd=${fd}, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=['0.0.0.0', 0]>`);
    s.bind(['127.0.0.1', 0]);
    const port = (s.getsockname() as [string, number])[1];
    assert.equal(inspect(s),
      `<socket.socket fd=${fd}, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=['127.0.0.1', ${port}]>`);
    assert.equal(String(s), s.toString());
  } finally {
    s.close();
  }
  assert.equal(s.toString(), '<socket.socket [closed] fd=-1, family=AF_INET, type=SOCK_STREAM, proto=0>');
  assert.equal(inspect(s), s.toString());
});

test('repr of a connected socket shows raddr; an unbound AF_UNIX socket shows no laddr (test_socket: GeneralModuleTests.test_repr)', () => {
  const [conn, cli, srv] = tcpPair();
  const u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    const [lhost, lport] = cli.getsockname() as [string, number];
    const [rhost, rport] = cli.getpeername() as [string, number];
    assert.match(cli.toString(), new RegExp(`laddr=\\['${lhost}', ${lport}\\], raddr=\\['${rhost}', ${rport}\\]>$`));
    assert.equal(u.toString(), `<socket.socket fd=${u.fileno()}, family=AF_UNIX, type=SOCK_STREAM, proto=0>`);
  } finally {
    closeAll(conn, cli, srv, u);
  }
});

test('while a makefile stream keeps the descriptor, repr shows [closed] with the live fd and no laddr (test_socket: FileObjectClassTestCase.testCloseAfterMakefile, test_repr)', () => {
  const [a, b] = socket.socketpair();
  const fd = a.fileno();
  const f = a.makefile('rb');
  try {
    a.close();
    assert.equal(a.fileno(), fd, 'the stream keeps the descriptor open');
    assert.equal(a.toString(), `<socket.socket [closed] fd=${fd}, family=AF_UNIX, type=SOCK_STREAM, proto=0>`);
  } finally {
    f.close();
    b.close();
  }
  assert.equal(a.fileno(), -1);
});

test('an adopted descriptor of an unknown family keeps the numbers (test_socket: GeneralModuleTests.test_unknown_socket_family_repr)', () => {
  const s = socket.socket();
  const fd = s.detach();
  const unknownFamily = 0x7fff - 5;
  const unknownType = 100; // below the SOCK_NONBLOCK bit, which would be stripped
  const odd = socket.socket(unknownFamily, unknownType, 23, fd);
  try {
    assert.equal(odd.family, unknownFamily);
    assert.equal(odd.type, unknownType);
    assert.equal(odd.proto, 23);
    assert.match(odd.toString(), new RegExp(`family=${unknownFamily}, type=${unknownType}, proto=23`));
  } finally {
    odd.close();
  }
});

test('type flags are stripped from .type in every mode (test_socket: GeneralModuleTests.test_socket_consistent_sock_type)', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC);
  try {
    assert.equal(s.type, socket.SOCK_STREAM);
    for (const t of [1, 0]) {
      s.settimeout(t);
      assert.equal(s.type, socket.SOCK_STREAM);
    }
    s.setblocking(true);
    assert.equal(s.type, socket.SOCK_STREAM);
    s.setblocking(false);
    assert.equal(s.type, socket.SOCK_STREAM);
  } finally {
    s.close();
  }
});

test('socket(fileno) reads family, type and proto from the kernel (test_socket: GeneralModuleTests.test_socket_fileno)', () => {
  const cases: Array<[number, number, string, number]> = [
    [socket.AF_INET, socket.SOCK_STREAM, '127.0.0.1', 6],
    [socket.AF_INET6, socket.SOCK_DGRAM, '::1', 17],
  ];
  for (const [family, type, host, proto] of cases) {
    const s = socket.socket(family, type);
    s.bind([host, 0]);
    const name = s.getsockname();
    const adopted = socket.socket(null, null, null, s.fileno());
    try {
      assert.equal(adopted.fileno(), s.fileno(), 'adopts the very descriptor (no dup)');
      assert.equal(adopted.family, family);
      assert.equal(adopted.type, type);
      assert.equal(adopted.proto, proto);
      assert.deepEqual(adopted.getsockname(), name);
    } finally {
      adopted.detach();
      s.close();
    }
  }
  const u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  const au = socket.socket(undefined, undefined, undefined, u.fileno());
  assert.equal(au.family, socket.AF_UNIX);
  assert.equal(au.type, socket.SOCK_DGRAM);
  au.detach();
  u.close();
});

test('socket(fileno) rejects negative, non-integer, non-socket and closed descriptors (test_socket: GeneralModuleTests.test_socket_fileno_rejects_* / _requires_*)', () => {
  for (const bad of [-1, -42]) {
    assert.throws(() => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, bad),
      { name: 'RangeError', message: 'negative file descriptor' });
  }
  for (const bad of [42.5, '42', {}]) {
    assert.throws(() => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, bad as number), TypeError);
  }
  const file = openSync(fileURLToPath(import.meta.url), 'r');
  try {
    assert.throws(() => socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, file),
      (e: unknown) => e instanceof socket.OSError && e.code === 'ENOTSOCK');
    assert.throws(() => socket.socket(null, null, null, file),
      (e: unknown) => e instanceof socket.OSError && e.code === 'ENOTSOCK');
  } finally {
    closeSync(file);
  }
  const s = socket.socket();
  const fd = s.fileno();
  s.close();
  assert.throws(() => socket.socket(null, null, null, fd), isEBADF);
});

test('close() is idempotent; afterwards fileno() is -1 and calls raise EBADF (test_socket: TCPCloserTest.testClose, GeneralModuleTests.testSendAfterClose)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.close();
    cli.close();
    cli.close();
    assert.equal(cli.fileno(), -1);
    assert.throws(() => cli.send(Buffer.from('x')), isEBADF);
    assert.throws(() => cli.recv(1), isEBADF);
    assert.throws(() => cli.getsockname(), isEBADF);
    assert.throws(() => cli.settimeout(1), isEBADF);
    assert.throws(() => cli.sendto(Buffer.from('x'), ['127.0.0.1', 9]), isEBADF);
    // The peer sees end of file.
    conn.settimeout(5);
    assert.deepEqual(conn.recv(1), Buffer.alloc(0));
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('a descriptor closed behind the object\'s back makes listen() and close() raise EBADF (test_socket: GeneralModuleTests.testCloseException, test_socket_close)', () => {
  const s = socket.socket();
  s.bind(['127.0.0.1', 0]);
  socket.close(s.fileno());
  assert.throws(() => s.listen(1), isEBADF);
  assert.throws(() => s.close(), isEBADF);
  assert.equal(s.fileno(), -1);
  s.close(); // now idempotent

  // Another object adopting the descriptor closes it first.
  const a = socket.socket();
  const b = socket.socket(null, null, null, a.fileno());
  b.close();
  assert.throws(() => a.close(), isEBADF);
});

test('module close(fd) closes a number; null is a TypeError, -1 is EBADF (test_socket: GeneralModuleTests.test_socket_close)', () => {
  const s = socket.socket();
  const fd = s.detach();
  socket.close(fd);
  assert.throws(() => socket.close(fd), isEBADF);
  assert.throws(() => socket.close(null as unknown as number), TypeError);
  assert.throws(() => socket.close('3' as unknown as number), TypeError);
  assert.throws(() => socket.close(-1), isEBADF);
});

test('detach() hands the descriptor over open; the object acts closed (test_socket: BasicTCPTest.testDetach)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.sendall(Buffer.from('detached data'));
    const fd = conn.detach();
    assert.ok(fd >= 0);
    assert.equal(conn.fileno(), -1);
    assert.throws(() => conn.recv(1024), isEBADF);
    conn.close(); // a no-op: the descriptor is not ours any more
    assert.match(conn.toString(), /\[closed\] fd=-1/);
    const again = socket.socket(null, null, null, fd);
    try {
      again.settimeout(5);
      assert.equal(again.recv(1024).toString(), 'detached data');
    } finally {
      again.close();
    }
    assert.equal(conn.detach(), -1, 'detaching twice gives -1');
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('dup() is another non-inheritable descriptor with the same timeout, reading the same stream (test_socket: BasicTCPTest.testDup, InheritanceTest.test_dup)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    conn.settimeout(4.5);
    const d = conn.dup();
    try {
      assert.notEqual(d.fileno(), conn.fileno());
      assert.equal(d.gettimeout(), 4.5);
      assert.equal(d.get_inheritable(), false);
      assert.ok(isCloexec(d.fileno()));
      assert.equal(d.family, conn.family);
      assert.equal(d.type, conn.type);
      conn.close();
      cli.sendall(Buffer.from('through the dup'));
      assert.equal(d.recv(1024).toString(), 'through the dup');
    } finally {
      d.close();
    }
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('fromfd() adopts a duplicate with the default timeout; the caller keeps the original (test_socket: BasicTCPTest.testFromFd)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    const f = withDefaultTimeout(3, () => socket.fromfd(conn.fileno(), socket.AF_INET, socket.SOCK_STREAM));
    try {
      assert.notEqual(f.fileno(), conn.fileno());
      assert.equal(f.gettimeout(), 3);
      assert.equal(f.get_inheritable(), false);
      cli.sendall(Buffer.from('via fromfd'));
      assert.equal(f.recv(1024).toString(), 'via fromfd');
    } finally {
      f.close();
    }
    // The original still works after the duplicate closed.
    cli.sendall(Buffer.from('original'));
    conn.settimeout(5);
    assert.equal(conn.recv(1024).toString(), 'original');
    // As CPython (fromfd is os.dup first): a negative descriptor is EBADF.
    assert.throws(() => socket.fromfd(-1, socket.AF_INET, socket.SOCK_STREAM), isEBADF);
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('`using` closes the socket at the end of the block (test_socket: ContextManagersTest.testCreateSocket)', () => {
  let outer: socket.Socket;
  {
    using s = socket.socket();
    outer = s;
    assert.ok(s.fileno() >= 0);
  }
  assert.equal(outer.fileno(), -1);
  assert.match(outer.toString(), /\[closed\]/);
});

test('`using` still closes after a close inside the block and when an error escapes (test_socket: ContextManagersTest.testCreateSocket)', () => {
  let a: socket.Socket | undefined;
  {
    using s = socket.socket();
    a = s;
    s.close();
  }
  assert.equal(a.fileno(), -1);
  let b: socket.Socket | undefined;
  assert.throws(() => {
    using s = socket.socket();
    b = s;
    throw new Error('escape');
  }, /escape/);
  assert.equal(b!.fileno(), -1);
  // Symbol.dispose is the same close().
  const c = socket.socket();
  c[Symbol.dispose]();
  assert.equal(c.fileno(), -1);
});

test('every socket the library makes is close-on-exec (test_socket: InheritanceTest.test_default_inheritable, test_socketpair)', async () => {
  const made: socket.Socket[] = [];
  try {
    made.push(socket.socket());
    made.push(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM));
    made.push(...socket.socketpair());
    made.push(...socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM));
    const [conn, cli, srv] = tcpPair();
    made.push(conn, cli, srv, conn.dup(), socket.fromfd(cli.fileno(), socket.AF_INET, socket.SOCK_STREAM));
    // The Promise twin's accept makes its descriptor itself.
    const port = (srv.getsockname() as [string, number])[1];
    const c2 = socket.socket();
    made.push(c2);
    c2.connect(['127.0.0.1', port]);
    const [viaAsync] = await srv.async.accept();
    made.push(viaAsync);
    const extra = socket as unknown as Record<string, unknown>;
    if (typeof extra['create_server'] === 'function') {
      const cs = (extra['create_server'] as (a: unknown) => socket.Socket)(['127.0.0.1', 0]);
      made.push(cs);
      if (typeof extra['create_connection'] === 'function') {
        const port = (cs.getsockname() as [string, number])[1];
        made.push((extra['create_connection'] as (a: unknown) => socket.Socket)(['127.0.0.1', port]));
      }
    }
    for (const s of made) {
      assert.equal(s.get_inheritable(), false, s.toString());
      assert.ok(isCloexec(s.fileno()), `FD_CLOEXEC on ${s.toString()}`);
    }
  } finally {
    closeAll(...made);
  }
});

test('SOCK_CLOEXEC in the type is stripped and the socket is not inheritable (test_socket: InheritanceTest.test_SOCK_CLOEXEC)', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_CLOEXEC);
  try {
    assert.equal(s.type, socket.SOCK_STREAM);
    assert.equal(s.get_inheritable(), false);
  } finally {
    s.close();
  }
});

test('set_inheritable toggles FD_CLOEXEC and get_inheritable reads it back (test_socket: InheritanceTest.test_set_inheritable, test_get_inheritable_cloexec)', () => {
  const s = socket.socket();
  try {
    s.set_inheritable(true);
    assert.equal(s.get_inheritable(), true);
    assert.equal(isCloexec(s.fileno()), false);
    s.set_inheritable(false);
    assert.equal(s.get_inheritable(), false);
    assert.equal(isCloexec(s.fileno()), true);
  } finally {
    s.close();
  }
  assert.throws(() => s.get_inheritable(), isEBADF);
});

test('an inheritable socket reaches a child process, a default one does not (test_socket: InheritanceTest.test_set_inheritable_cloexec)',
  { skip: skipUnderBun('child_process closes every descriptor beyond stdio in the child, inheritable or not') }, () => {
  const a = socket.socket();
  const b = socket.socket();
  try {
    a.set_inheritable(true);
    // The child lists its own descriptors; only `a` crosses exec.
    const out = execFileSync('python3', ['-c',
      `import os, sys; print(' '.join(str(os.path.exists('/proc/self/fd/%d' % n)) for n in (${a.fileno()}, ${b.fileno()})))`],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 20_000 });
    assert.equal(out.trim(), 'True False');
  } finally {
    closeAll(a, b);
  }
});

test('accept() returns a non-inheritable socket with the default timeout (test_socket: InheritanceTest, NonBlockingTCPTests.testInheritFlagsTimeout)', () => {
  const [srv, port] = listener();
  const cli = socket.socket();
  try {
    cli.connect(['127.0.0.1', port]);
    const [conn] = withDefaultTimeout(20, () => srv.accept());
    try {
      assert.equal(conn.get_inheritable(), false);
      assert.equal(conn.gettimeout(), 20);
    } finally {
      conn.close();
    }
  } finally {
    closeAll(cli, srv);
  }
});

// ResourceWarning runs in a child process: it needs --expose-gc and its own warnings.
const DIST = new URL('../../dist/index.js', import.meta.url).href;

function runGcChild(body: string): string {
  const code = `
    import * as socket from ${JSON.stringify(DIST)};
    import { readlinkSync } from 'node:fs';
    // Whether fd still names the same open socket (the number may be reused).
    const link = (fd) => { try { return readlinkSync('/proc/self/fd/' + fd); } catch { return null; } };
    const warnings = [];
    process.on('warning', (w) => warnings.push(w.name + ': ' + w.message));
    const settle = async () => { for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); } };
    ${body}
  `;
  return execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code],
    { encoding: 'utf8', timeout: 20_000 });
}

test('a socket collected while open is closed with a ResourceWarning (test_socket: GeneralModuleTests.test_dealloc_warn)', () => {
  const out = runGcChild(`
    let fd = -1;
    let before = null;
    (() => { const s = socket.socket(); s.bind(['127.0.0.1', 0]); fd = s.fileno(); before = link(fd); })();
    await settle();
    console.log(JSON.stringify({ warnings, open: link(fd) === before, fd }));
  `);
  const r = JSON.parse(out) as { warnings: string[]; open: boolean; fd: number };
  assert.equal(r.open, false, 'the descriptor was closed by the finalizer');
  assert.equal(r.warnings.length, 1, JSON.stringify(r.warnings));
  assert.match(r.warnings[0]!,
    new RegExp(`^ResourceWarning: unclosed <socket\\.socket fd=${r.fd}, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=\\['127\\.0\\.0\\.1', \\d+\\]>$`));
});

test('closed and detached sockets are collected silently; a detached descriptor stays open (test_socket: GeneralModuleTests.test_dealloc_warn)', () => {
  const out = runGcChild(`
    let fd = -1;
    let before = null;
    (() => { socket.socket().close(); fd = socket.socket().detach(); before = link(fd); })();
    await settle();
    console.log(JSON.stringify({ warnings, open: before !== null && link(fd) === before }));
    socket.close(fd);
  `);
  const r = JSON.parse(out) as { warnings: string[]; open: boolean };
  assert.deepEqual(r.warnings, []);
  assert.equal(r.open, true);
});
