/**
 * The OSError hierarchy and the errors system calls raise (CPython:
 * TestExceptions, and the errno-specific cases spread through
 * GeneralModuleTests, NetworkConnectionNoServer, TestUnixDomain).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { closeAll, listener, tcpPair } from './helpers/core.js';

checkNoLeaks();

/** A port on 127.0.0.1 where nothing listens (bound, never listening). */
function closedPort(): [socket.Socket, number] {
  const holder = socket.socket();
  holder.bind(['127.0.0.1', 0]);
  return [holder, (holder.getsockname() as [string, number])[1]];
}

test('error is OSError, timeout is TimeoutError, herror/gaierror subclass OSError (test_socket: TestExceptions.testExceptionTree)', () => {
  assert.equal(socket.error, socket.OSError);
  assert.equal(socket.timeout, socket.TimeoutError);
  for (const C of [socket.herror, socket.gaierror, socket.TimeoutError, socket.BlockingIOError,
    socket.ConnectionError, socket.InterruptedError, socket.PermissionError, socket.FileNotFoundError,
    socket.FileExistsError]) {
    assert.ok(C.prototype instanceof socket.OSError, C.name);
  }
  for (const C of [socket.BrokenPipeError, socket.ConnectionAbortedError, socket.ConnectionRefusedError,
    socket.ConnectionResetError]) {
    assert.ok(C.prototype instanceof socket.ConnectionError, C.name);
  }
  assert.ok(socket.OSError.prototype instanceof Error);
  const e = new socket.ConnectionRefusedError(111, 'Connection refused');
  assert.equal(e.name, 'ConnectionRefusedError');
  assert.equal(e.message, '[Errno 111] Connection refused');
  assert.equal(e.errno, 111);
  assert.equal(e.code, 'ECONNREFUSED');
  assert.equal(e.strerror, 'Connection refused');
  const m = new socket.OSError('plain message');
  assert.equal(m.errno, null);
  assert.equal(m.strerror, null);
  assert.equal(m.message, 'plain message');
});

test('setblocking on a descriptor closed underneath raises OSError EBADF (test_socket: TestExceptions.test_setblocking_invalidfd)', () => {
  const s0 = socket.socket();
  const s = socket.socket(null, null, null, s0.detach());
  socket.close(s.fileno());
  assert.throws(() => s.setblocking(false), (e: unknown) => e instanceof socket.OSError && e.errno === 9);
  assert.throws(() => s.close(), socket.OSError);
});

test('connect to a closed port raises ConnectionRefusedError; connect_ex returns the errno (test_socket: NetworkConnectionNoServer.test_connect)', () => {
  const [holder, port] = closedPort();
  const s = socket.socket();
  try {
    assert.throws(() => s.connect(['127.0.0.1', port]), (e: unknown) => {
      assert.ok(e instanceof socket.ConnectionRefusedError);
      assert.ok(e instanceof socket.ConnectionError);
      assert.equal(e.errno, 111);
      assert.equal(e.code, 'ECONNREFUSED');
      assert.equal(e.syscall, 'connect');
      assert.equal(e.message, `[Errno 111] ${e.strerror}`);
      return true;
    });
    const t = socket.socket();
    try {
      assert.equal(t.connect_ex(['127.0.0.1', port]), 111);
    } finally {
      t.close();
    }
  } finally {
    closeAll(s, holder);
  }
});

test('connect on a connected socket is EISCONN; send after shutdown is BrokenPipeError (test_socket: GeneralModuleTests, behaviours 54 and 56)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    const port = (srv.getsockname() as [string, number])[1];
    assert.throws(() => cli.connect(['127.0.0.1', port]), (e: unknown) => e instanceof socket.OSError && e.code === 'EISCONN');
    assert.equal(cli.connect_ex(['127.0.0.1', port]), 106);
    cli.shutdown(socket.SHUT_WR);
    assert.throws(() => cli.send(Buffer.from('x')), (e: unknown) =>
      e instanceof socket.BrokenPipeError && e.errno === 32 && e.code === 'EPIPE' && e.syscall === 'send');
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('a second bind is EINVAL, a non-local address EADDRNOTAVAIL, a used port EADDRINUSE (behaviour 24)', () => {
  const [srv, port] = listener();
  const s = socket.socket();
  const t = socket.socket();
  try {
    s.bind(['127.0.0.1', 0]);
    assert.throws(() => s.bind(['127.0.0.1', 0]), (e: unknown) => e instanceof socket.OSError && e.code === 'EINVAL');
    assert.throws(() => t.bind(['192.0.2.1', 0]), (e: unknown) =>
      e instanceof socket.OSError && e.errno === 99 && e.code === 'EADDRNOTAVAIL' && e.syscall === 'bind');
    assert.throws(() => t.bind(['127.0.0.1', port]), (e: unknown) => e instanceof socket.OSError && e.code === 'EADDRINUSE');
  } finally {
    closeAll(s, t, srv);
  }
});

test('non-blocking operations that would wait raise BlockingIOError (EAGAIN, EINPROGRESS) (test_socket: behaviours 50, 68-70)', () => {
  const [srv, port] = listener();
  const s = socket.socket();
  try {
    srv.setblocking(false);
    assert.throws(() => srv.accept(), (e: unknown) => e instanceof socket.BlockingIOError && e.errno === 11 && e.code === 'EAGAIN');
    s.setblocking(false);
    // A loopback connect may finish at once; EINPROGRESS is what a wait would mean.
    const r = s.connect_ex(['127.0.0.1', port]);
    assert.ok(r === 0 || r === 115, `connect_ex gave ${r}`);
  } finally {
    closeAll(s, srv);
  }
});

test('an unused Unix path is FileNotFoundError; an unused abstract name ConnectionRefusedError (behaviour 31)', () => {
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    assert.throws(() => s.connect(`/tmp/bsd-socket-missing-${process.pid}`), (e: unknown) =>
      e instanceof socket.FileNotFoundError && e.errno === 2 && e.code === 'ENOENT');
    assert.throws(() => s.connect(Buffer.from(`\0bsd-socket-unused-${process.pid}`)), (e: unknown) =>
      e instanceof socket.ConnectionRefusedError && e.errno === 111);
  } finally {
    s.close();
  }
});

test('getsockopt of an unknown option is ENOPROTOOPT; an unsupported family EAFNOSUPPORT (behaviour 58, test_socket: GeneralModuleTests)', () => {
  const s = socket.socket();
  try {
    assert.throws(() => s.getsockopt(socket.SOL_SOCKET, 9999), (e: unknown) =>
      e instanceof socket.OSError && e.errno === 92 && e.code === 'ENOPROTOOPT' && e.syscall === 'getsockopt');
  } finally {
    s.close();
  }
  assert.throws(() => socket.socket(12345), (e: unknown) =>
    e instanceof socket.OSError && e.code === 'EAFNOSUPPORT' && e.syscall === 'socket');
  assert.throws(() => socket.socketpair(socket.AF_INET), (e: unknown) =>
    e instanceof socket.OSError && e.errno === 95 && e.code === 'ENOTSUP'); // Python's errno.errorcode[95]
});

test('a socket\'s own deadline is TimeoutError("timed out") with errno null (test_socket: TCPTimeoutTest.testAcceptTimeout)', () => {
  const [srv] = listener();
  try {
    srv.settimeout(0.05);
    assert.throws(() => srv.accept(), (e: unknown) => {
      assert.ok(e instanceof socket.TimeoutError);
      assert.ok(e instanceof socket.timeout);
      assert.equal(e.message, 'timed out');
      assert.equal(e.errno, null);
      assert.equal(e.code, undefined);
      assert.equal(e.syscall, 'accept');
      return true;
    });
  } finally {
    srv.close();
  }
});

test('a peer reset makes recv raise ConnectionResetError and send raise a ConnectionError (behaviour 50)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    // SO_LINGER {on, 0}: close() sends RST instead of FIN.
    cli.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, new Int32Array([1, 0]));
    cli.close();
    conn.settimeout(5);
    assert.throws(() => conn.recv(10), (e: unknown) =>
      e instanceof socket.ConnectionResetError && e.errno === 104 && e.code === 'ECONNRESET' && e.syscall === 'recv');
    assert.throws(() => conn.send(Buffer.from('x')), (e: unknown) => e instanceof socket.ConnectionError);
  } finally {
    closeAll(conn, cli, srv);
  }
});
