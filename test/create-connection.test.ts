/**
 * create_connection (Lib/socket.py): test_socket's NetworkConnectionNoServer,
 * NetworkConnectionAttributesTest and NetworkConnectionBehaviourTest
 * (behaviour M112). Loopback only.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { runPeer } from './helpers/peer.js';

checkNoLeaks();

const { AF_INET, SOCK_STREAM } = socket;

function listener(backlog?: number): [socket.Socket, number] {
  const srv = socket.socket(AF_INET, SOCK_STREAM);
  srv.bind(['127.0.0.1', 0]);
  srv.listen(backlog);
  return [srv, (srv.getsockname() as [string, number])[1]];
}

/** A loopback port with nothing listening (bound, then released). */
function unusedPort(): number {
  const s = socket.socket(AF_INET, SOCK_STREAM);
  s.bind(['127.0.0.1', 0]);
  const port = (s.getsockname() as [string, number])[1];
  s.close();
  return port;
}

/** Accepts whatever connected (the kernel completed the handshakes) and closes it all. */
function drain(srv: socket.Socket): void {
  srv.setblocking(false);
  for (let i = 0; i < 16; i++) {
    try {
      srv.accept()[0].close();
    } catch {
      break;
    }
  }
  srv.close();
}

test('connect to a closed port is refused (test_socket: NetworkConnectionNoServer.test_connect)', () => {
  const port = unusedPort();
  const s = socket.socket(AF_INET, SOCK_STREAM);
  try {
    assert.throws(() => s.connect(['127.0.0.1', port]), (e: unknown) =>
      e instanceof socket.ConnectionRefusedError && e.errno === 111);
  } finally {
    s.close();
  }
});

test('create_connection raises the last error (test_socket: NetworkConnectionNoServer.test_create_connection)', () => {
  const port = unusedPort();
  assert.throws(() => socket.create_connection(['localhost', port]), (e: unknown) =>
    e instanceof socket.ConnectionRefusedError && e.errno === 111);
});

test('all_errors: an AggregateError of every attempt (test_socket: NetworkConnectionNoServer.test_create_connection_all_errors)', () => {
  const port = unusedPort();
  const attempts = socket.getaddrinfo('localhost', port, 0, SOCK_STREAM).length;
  let err: unknown = null;
  try {
    socket.create_connection(['localhost', port], { all_errors: true });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof AggregateError, String(err));
  assert.equal(err.errors.length, attempts);
  assert.equal(err.message, `create_connection failed (${attempts} sub-exception${attempts === 1 ? '' : 's'})`);
  for (const sub of err.errors) assert.ok(sub instanceof socket.OSError);
  // The options object may come after the positionals too.
  assert.throws(() => socket.create_connection(['127.0.0.1', port], undefined, null, { all_errors: true }),
    { name: 'AggregateError', message: 'create_connection failed (1 sub-exception)' });
});

test('a TimeoutError from connect is raised as is (test_socket: NetworkConnectionNoServer.test_create_connection_timeout)', (t) => {
  // A listener whose accept queue is full drops further SYNs, so connect() waits.
  const [srv, port] = listener(0);
  const fillers: socket.Socket[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      const f = socket.socket(AF_INET, SOCK_STREAM);
      f.setblocking(false);
      fillers.push(f);
      f.connect_ex(['127.0.0.1', port]);
    }
    let err: unknown = null;
    try {
      socket.create_connection(['127.0.0.1', port], 0.2).close();
    } catch (e) {
      err = e;
    }
    if (err === null) {
      t.skip('this kernel completes connections beyond a full accept queue');
      return;
    }
    assert.ok(err instanceof socket.TimeoutError, String(err));
    assert.equal(err.errno, null);
    assert.equal(err.message, 'timed out');
  } finally {
    for (const f of fillers) f.close();
    drain(srv);
  }
});

test('the family follows the address (test_socket: NetworkConnectionAttributesTest.testFamily)', () => {
  const [srv, port] = listener();
  const s = socket.create_connection(['127.0.0.1', port]);
  try {
    assert.equal(s.family, AF_INET);
    assert.equal(s.type, SOCK_STREAM);
  } finally {
    s.close();
    drain(srv);
  }
});

test('source_address binds the local end (test_socket: NetworkConnectionAttributesTest.testSourceAddress)', () => {
  const [srv, port] = listener();
  const src = unusedPort();
  const s = socket.create_connection(['127.0.0.1', port], 5, ['', src]);
  try {
    assert.equal((s.getsockname() as [string, number])[1], src);
    const [conn, addr] = srv.accept();
    assert.deepEqual(addr, ['127.0.0.1', src]);
    conn.close();
  } finally {
    s.close();
    drain(srv);
  }
});

test('timeouts: default, null, a value (test_socket: NetworkConnectionAttributesTest.testTimeout*)', () => {
  const [srv, port] = listener();
  const made: socket.Socket[] = [];
  try {
    assert.equal(socket.getdefaulttimeout(), null);
    socket.setdefaulttimeout(42);
    try {
      made.push(socket.create_connection(['127.0.0.1', port]));
      assert.equal(made.at(-1)!.gettimeout(), 42); // testTimeoutDefault
      made.push(socket.create_connection(['127.0.0.1', port], null));
      assert.equal(made.at(-1)!.gettimeout(), null); // testTimeoutNone
    } finally {
      socket.setdefaulttimeout(null);
    }
    made.push(socket.create_connection(['127.0.0.1', port], 30));
    assert.equal(made.at(-1)!.gettimeout(), 30); // testTimeoutValueNonamed / Named
    assert.throws(() => socket.create_connection(['127.0.0.1', port], -1), RangeError);
    assert.throws(() => socket.create_connection(['127.0.0.1', port], 'x' as unknown as number), TypeError);
  } finally {
    for (const s of made) s.close();
    drain(srv);
  }
});

test('without a timeout the client waits for a slow server (test_socket: NetworkConnectionBehaviourTest.testInsideTimeout)', async () => {
  const [srv, port] = listener();
  const peer = runPeer('connect', 'acceptWaitSend', [srv.fileno(), 300, 'done!']);
  const s = socket.create_connection(['127.0.0.1', port]);
  try {
    assert.equal(s.recv(5).toString(), 'done!');
    await peer.done;
  } finally {
    s.close();
    srv.close();
  }
});

test('with a timeout, recv raises TimeoutError (test_socket: NetworkConnectionBehaviourTest.testOutsideTimeout)', () => {
  const [srv, port] = listener();
  const s = socket.create_connection(['127.0.0.1', port], 0.1);
  try {
    assert.throws(() => s.recv(1024), (e: unknown) => e instanceof socket.TimeoutError && e.message === 'timed out');
  } finally {
    s.close();
    drain(srv);
  }
});

test('bad arguments are refused before any look-up', () => {
  assert.throws(() => socket.create_connection('localhost:80' as unknown as string[]), TypeError);
  // Python unpacks `host, port = address`: a wrong length is its ValueError, RangeError here.
  assert.throws(() => socket.create_connection(['localhost', 80, 0]),
    { name: 'RangeError', message: 'create_connection(): too many values to unpack (expected 2)' });
  assert.throws(() => socket.create_connection(['localhost']),
    { name: 'RangeError', message: 'create_connection(): not enough values to unpack (expected 2, got 1)' });
  assert.throws(() => socket.create_connection(['nonexistent.invalid', 80]), socket.gaierror);
});
