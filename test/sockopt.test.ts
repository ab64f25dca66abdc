/**
 * getsockopt/setsockopt round trips that would fail if a value were lost or
 * misread, and listen()'s backlog (CPython: GeneralModuleTests.testGetSockOpt,
 * testSetSockOpt, testSockName, test_listen_backlog, test_listen_backlog_overflow).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { closeAll, tcpPair } from './helpers/core.js';

checkNoLeaks();

test('SO_REUSEADDR starts at 0 and reads back non-zero once set (test_socket: GeneralModuleTests.testGetSockOpt, testSetSockOpt)', () => {
  const s = socket.socket();
  try {
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    assert.notEqual(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, false);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, true);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1);
  } finally {
    s.close();
  }
});

test('setsockopt takes bytes-like values and getsockopt(buflen) returns the raw bytes (test_socket: GeneralModuleTests.testSetSockOpt)', () => {
  const s = socket.socket();
  try {
    const on = Buffer.alloc(4);
    on.writeInt32LE(1);
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, on);
    assert.equal(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1);
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, new Int32Array([0]));
    assert.equal(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 0);
    // struct linger { int l_onoff; int l_linger; } through a DataView and an ArrayBuffer.
    const linger = new DataView(new ArrayBuffer(8));
    linger.setInt32(0, 1, true);
    linger.setInt32(4, 7, true);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger);
    const back = s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8) as Buffer;
    assert.ok(Buffer.isBuffer(back));
    assert.equal(back.length, 8);
    assert.equal(back.readInt32LE(0), 1);
    assert.equal(back.readInt32LE(4), 7);
    const ab = new ArrayBuffer(8);
    new Int32Array(ab).set([1, 3]);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, ab);
    assert.deepEqual(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8), Buffer.from(ab));
    // A larger buflen returns only what the kernel wrote.
    assert.equal((s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 64) as Buffer).length, 4);
  } finally {
    s.close();
  }
});

test('SO_RCVBUF round-trips as the kernel\'s doubled value; SO_KEEPALIVE toggles (falsifiable round trips)', () => {
  const s = socket.socket();
  try {
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 131072);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), 65536);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), 1);
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 0);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), 0);
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 77);
    assert.equal(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE), 77);
  } finally {
    s.close();
  }
});

test('SO_TYPE, SO_DOMAIN, SO_PROTOCOL and SO_ERROR read the kernel\'s view (test_socket: GeneralModuleTests)', () => {
  const cases: Array<[number, number, number]> = [
    [socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP],
    [socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP],
    [socket.AF_UNIX, socket.SOCK_SEQPACKET, 0],
  ];
  for (const [family, type, proto] of cases) {
    const s = socket.socket(family, type);
    try {
      assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), type);
      assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN), family);
      assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL), proto);
      assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0);
    } finally {
      s.close();
    }
  }
});

test('getsockopt buflen outside 0..1024 is OSError "getsockopt buflen out of range"; 0 is the int form (behaviour 58)', () => {
  const s = socket.socket();
  try {
    for (const bad of [-1, 1025]) {
      assert.throws(() => s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, bad),
        (e: unknown) => e instanceof socket.OSError && e.message === 'getsockopt buflen out of range');
    }
    assert.equal((s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1024) as Buffer).length, 4);
    // CPython reads buflen 0 as "no buflen": the option as an integer.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0), 1);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 0), socket.SOCK_STREAM);
  } finally {
    s.close();
  }
  // The range is checked before the descriptor, as in CPython.
  assert.throws(() => s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, -1),
    (e: unknown) => e instanceof socket.OSError && e.message === 'getsockopt buflen out of range');
  assert.throws(() => s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0),
    (e: unknown) => e instanceof socket.OSError && e.errno === 9);
});

test('setsockopt refuses strings and non-integers; unknown options are ENOPROTOOPT (behaviour 58)', () => {
  const s = socket.socket();
  const set = s.setsockopt.bind(s) as (...a: unknown[]) => void;
  try {
    assert.throws(() => set(socket.SOL_SOCKET, socket.SO_REUSEADDR, '1'), TypeError);
    assert.throws(() => set(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1.5), TypeError);
    assert.throws(() => set(socket.SOL_SOCKET, socket.SO_REUSEADDR, 2 ** 31), RangeError);
    assert.throws(() => set('1', socket.SO_REUSEADDR, 1), TypeError);
    assert.throws(() => set(socket.SOL_SOCKET, socket.SO_REUSEADDR, null), TypeError, 'null needs optlen');
    assert.throws(() => set(socket.SOL_SOCKET, 9999, 1), (e: unknown) => e instanceof socket.OSError && e.code === 'ENOPROTOOPT');
  } finally {
    s.close();
  }
  assert.throws(() => s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1),
    (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
  assert.throws(() => s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR),
    (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
});

test('options carry over to the accepted and duplicated sockets of the kernel\'s choosing (TCP_NODELAY through dup)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1);
    const d = cli.dup();
    try {
      assert.equal(d.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1, 'one socket, two descriptors');
    } finally {
      d.close();
    }
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('listen() takes no backlog, 0 or a negative one; beyond a C int is a RangeError (test_socket: GeneralModuleTests.test_listen_backlog, test_listen_backlog_overflow)', () => {
  for (const backlog of [undefined, 0, -1, 5, 2 ** 31 - 1]) {
    const s = socket.socket();
    try {
      s.bind(['127.0.0.1', 0]);
      s.listen(backlog);
      assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1, `listen(${backlog})`);
    } finally {
      s.close();
    }
  }
  const s = socket.socket();
  try {
    s.bind(['127.0.0.1', 0]);
    assert.throws(() => s.listen(2 ** 31), RangeError);
    assert.throws(() => s.listen(1.5), TypeError);
    assert.equal(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 0, 'a refused backlog did not listen');
  } finally {
    s.close();
  }
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    assert.throws(() => u.listen(), (e: unknown) => e instanceof socket.OSError && e.code === 'EOPNOTSUPP' || (e as socket.OSError).errno === 95);
  } finally {
    u.close();
  }
});

test('getsockname after bind reports the bound address; \'\' is the wildcard (test_socket: GeneralModuleTests.testSockName)', () => {
  const s = socket.socket();
  const s6 = socket.socket(socket.AF_INET6);
  try {
    s.bind(['', 0]);
    const [host, port] = s.getsockname() as [string, number];
    assert.equal(host, '0.0.0.0');
    assert.ok(port > 0);
    s6.bind(['', 0]);
    const name6 = s6.getsockname() as unknown[];
    assert.equal(name6[0], '::');
    assert.equal(name6.length, 4);
    assert.throws(() => s.getpeername(), (e: unknown) => e instanceof socket.OSError && e.code === 'ENOTCONN');
  } finally {
    closeAll(s, s6);
  }
});
