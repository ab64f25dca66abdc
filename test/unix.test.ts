/**
 * AF_UNIX: socketpair, the Linux abstract namespace, file-system paths with
 * Python's surrogateescape, autobind (CPython: BasicSocketPairTest,
 * TestLinuxAbstractNamespace, TestUnixDomain).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { runPeer } from './helpers/peer.js';
import { closeAll, isCloexec } from './helpers/core.js';

checkNoLeaks();

const MSG = Buffer.from('Michael Gilfix was here\u1234\r\n');
const dir = mkdtempSync(path.join(tmpdir(), 'bsd-socket-unix-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => path.join(dir, `s${counter++}`);

test('socketpair() defaults to AF_UNIX, SOCK_STREAM, proto 0, unnamed ends (test_socket: BasicSocketPairTest.test_defaults)', () => {
  const [a, b] = socket.socketpair();
  try {
    for (const s of [a, b]) {
      assert.equal(s.family, socket.AF_UNIX);
      assert.equal(s.type, socket.SOCK_STREAM);
      assert.equal(s.proto, 0);
      assert.equal(s.getsockname(), '');
      assert.equal(s.getpeername(), '');
      assert.equal(s.get_inheritable(), false);
      assert.ok(isCloexec(s.fileno()));
      assert.equal(s.gettimeout(), null);
    }
  } finally {
    closeAll(a, b);
  }
});

test('socketpair ends talk both ways (test_socket: BasicSocketPairTest.testRecv, testSend)', async () => {
  const [a, b] = socket.socketpair();
  try {
    a.sendall(MSG);
    assert.deepEqual(b.recv(1024), MSG);
    b.sendall(MSG);
    assert.deepEqual(a.recv(1024), MSG);
    // A blocking receive that a peer thread satisfies later.
    const peer = runPeer('core', 'sendLater', [b.fileno(), 100, 'later']);
    assert.equal(a.recv(1024).toString(), 'later');
    await peer.done;
  } finally {
    closeAll(a, b);
  }
});

test('socketpair takes the default timeout and SOCK_NONBLOCK (test_socket: GeneralModuleTests.testDefaultTimeout)', () => {
  socket.setdefaulttimeout(2.5);
  let pair: [socket.Socket, socket.Socket];
  try {
    pair = socket.socketpair();
  } finally {
    socket.setdefaulttimeout(null);
  }
  const [c, d] = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_NONBLOCK);
  try {
    assert.equal(pair[0].gettimeout(), 2.5);
    assert.equal(pair[1].gettimeout(), 2.5);
    assert.equal(c.gettimeout(), 0);
    assert.equal(c.type, socket.SOCK_STREAM);
    assert.throws(() => d.recv(1), socket.BlockingIOError);
  } finally {
    closeAll(...pair, c, d);
  }
});

for (const [label, type] of [['SOCK_DGRAM', socket.SOCK_DGRAM], ['SOCK_SEQPACKET', socket.SOCK_SEQPACKET]] as const) {
  test(`a ${label} socketpair keeps message boundaries (behaviour 106)`, () => {
    const [a, b] = socket.socketpair(socket.AF_UNIX, type);
    try {
      assert.equal(a.type, type);
      a.send(Buffer.from('first'));
      a.send(Buffer.from('second'));
      assert.equal(b.recv(1024).toString(), 'first');
      assert.equal(b.recv(1024).toString(), 'second');
      b.send(Buffer.from('0123456789'));
      assert.equal(a.recv(4).toString(), '0123', 'a short read truncates the message');
      b.send(Buffer.from('x'));
      assert.equal(a.recv(4).toString(), 'x');
    } finally {
      closeAll(a, b);
    }
  });
}

// ---- Linux abstract namespace ---------------------------------------------

test('an abstract name round-trips as identical bytes, NULs and 0xff kept (test_socket: TestLinuxAbstractNamespace.testLinuxAbstractNamespace)', () => {
  const name = Buffer.concat([Buffer.from(`\0bsd-socket-${process.pid}-\xff`, 'latin1'), Buffer.from([0, 1, 0])]);
  const srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    srv.bind(name);
    srv.listen();
    assert.deepEqual(srv.getsockname(), name);
    cli.connect(name);
    assert.deepEqual(cli.getpeername(), name);
    const [conn, addr] = srv.accept();
    try {
      assert.equal(addr, '', 'an unbound client is unnamed');
      cli.sendall(MSG);
      assert.deepEqual(conn.recv(1024), MSG);
    } finally {
      conn.close();
    }
  } finally {
    closeAll(srv, cli);
  }
});

test('an abstract name may fill sun_path; one byte more is "AF_UNIX path too long" (test_socket: TestLinuxAbstractNamespace.testMaxName, testNameOverflow)', () => {
  const max = Buffer.concat([Buffer.from([0]), Buffer.alloc(107, 'h')]);
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    s.bind(max);
    assert.deepEqual(s.getsockname(), max);
  } finally {
    s.close();
  }
  const t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    assert.throws(() => t.bind(Buffer.concat([max, Buffer.from('h')])),
      (e: unknown) => e instanceof socket.OSError && e.message === 'AF_UNIX path too long');
  } finally {
    t.close();
  }
});

test('an abstract name given as a string or a Uint8Array comes back as a Buffer (test_socket: TestLinuxAbstractNamespace.testStrName, testBytearrayName)', () => {
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    s.bind(`\0bsd-socket-str-${process.pid}`);
    assert.deepEqual(s.getsockname(), Buffer.from(`\0bsd-socket-str-${process.pid}`));
    const bytes = new Uint8Array(Buffer.from(`\0bsd-socket-u8-${process.pid}`));
    u.bind(bytes);
    assert.deepEqual(u.getsockname(), Buffer.from(bytes));
  } finally {
    closeAll(s, u);
  }
});

test('binding the empty name autobinds to NUL + 5 hex digits, unique per socket (test_socket: TestLinuxAbstractNamespace.testAutobind)', () => {
  const a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  const b = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    a.bind('');
    b.bind(Buffer.alloc(0));
    const na = a.getsockname() as Buffer;
    const nb = b.getsockname() as Buffer;
    for (const n of [na, nb]) {
      assert.ok(Buffer.isBuffer(n));
      assert.match(n.toString('latin1'), /^\0[0-9a-f]{5}$/);
    }
    assert.notDeepEqual(na, nb);
    // The autobound name is reachable.
    b.sendto(Buffer.from('to autobound'), na);
    assert.equal(a.recv(100).toString(), 'to autobound');
  } finally {
    closeAll(a, b);
  }
});

// ---- File-system names -------------------------------------------------------

test('an unbound AF_UNIX socket is named \'\' (test_socket: TestUnixDomain.testUnbound)', () => {
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    assert.equal(s.getsockname(), '');
  } finally {
    s.close();
  }
});

test('a str path binds and comes back as the same string (test_socket: TestUnixDomain.testStrAddr)', () => {
  const p = freshPath();
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    s.bind(p);
    assert.equal(s.getsockname(), p);
    assert.ok(existsSync(p));
    const t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    try {
      assert.throws(() => t.bind(p), (e: unknown) => e instanceof socket.OSError && e.code === 'EADDRINUSE');
    } finally {
      t.close();
    }
  } finally {
    s.close();
  }
});

test('a bytes path comes back as a string (test_socket: TestUnixDomain.testBytesAddr)', () => {
  const p = freshPath();
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    s.bind(Buffer.from(p));
    assert.equal(s.getsockname(), p);
  } finally {
    s.close();
  }
});

test('non-UTF-8 path bytes decode with surrogateescape and round-trip (test_socket: TestUnixDomain.testSurrogateescapeBind)', () => {
  const raw = Buffer.concat([Buffer.from(path.join(dir, 'p')), Buffer.from([0xff, 0xfe]), Buffer.from('\u00e9')]);
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    s.bind(raw);
    const name = s.getsockname() as string;
    assert.equal(name, `${path.join(dir, 'p')}\udcff\udcfe\u00e9`);
    s.listen();
    // The escaped string names the same file.
    t.connect(name);
    assert.equal(t.getpeername(), name);
  } finally {
    closeAll(s, t);
  }
  // A string with escapes binds to the raw bytes.
  const u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    const p = `${freshPath()}\udc80`;
    u.bind(p);
    assert.equal(u.getsockname(), p);
  } finally {
    u.close();
  }
});

test('a path no byte string can stand for is refused, not mangled (test_socket: TestUnixDomain.testUnencodableAddr)', () => {
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    for (const bad of [`${freshPath()}\ud800`, `${freshPath()}\udc41`, `${freshPath()}\udfff`]) {
      assert.throws(() => s.bind(bad), { name: 'RangeError', message: /surrogates not allowed/ });
    }
    // A proper surrogate pair is just UTF-8.
    const p = `${freshPath()}\u{1f600}`;
    s.bind(p);
    assert.equal(s.getsockname(), p);
  } finally {
    s.close();
  }
});

test('a file-system path of 107 bytes fits, 108 is "AF_UNIX path too long" (behaviour 29)', () => {
  const base = `${dir}/`;
  const fits = base + 'x'.repeat(107 - base.length);
  const tooLong = base + 'x'.repeat(108 - base.length);
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    s.bind(fits);
    assert.equal(s.getsockname(), fits);
    assert.throws(() => t.bind(tooLong), (e: unknown) => e instanceof socket.OSError && e.message === 'AF_UNIX path too long');
    assert.throws(() => t.connect(tooLong + 'y'.repeat(50)), (e: unknown) => e instanceof socket.OSError && e.message === 'AF_UNIX path too long');
  } finally {
    closeAll(s, t);
  }
});

test('AF_UNIX addresses of the wrong type are TypeErrors (test_socket: TestUnixDomain)', () => {
  const s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    for (const bad of [42, null, ['a', 1], {}]) {
      assert.throws(() => s.bind(bad), { name: 'TypeError', message: /AF_UNIX address must be str or bytes/ });
    }
  } finally {
    s.close();
  }
});

test('a path-bound stream server accepts a client; the client reports the path as its peer (test_socket: SocketConnectedTest over AF_UNIX)', () => {
  const p = freshPath();
  const srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  const cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
  try {
    srv.bind(p);
    srv.listen();
    cli.connect(p);
    const [conn, addr] = srv.accept();
    try {
      assert.equal(addr, '');
      assert.equal(cli.getpeername(), p);
      assert.equal(conn.getsockname(), p);
      cli.sendall(MSG);
      assert.deepEqual(conn.recv(1024), MSG);
    } finally {
      conn.close();
    }
  } finally {
    closeAll(srv, cli);
  }
});

test('unix datagrams carry the sender\'s path through recvfrom (behaviour 27)', () => {
  const pa = freshPath();
  const pb = freshPath();
  const a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  const b = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM);
  try {
    a.bind(pa);
    b.bind(pb);
    b.sendto(MSG, pa);
    const [data, from] = a.recvfrom(1024);
    assert.deepEqual(data, MSG);
    assert.equal(from, pb);
  } finally {
    closeAll(a, b);
  }
});
