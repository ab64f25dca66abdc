/**
 * create_server and has_dualstack_ipv6 (Lib/socket.py): test_socket's
 * CreateServerTest and CreateServerFunctionalTest (behaviours M110, M111),
 * and the bind error's text compared with python3's.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { python } from './helpers/python.js';
import { runPeer } from './helpers/peer.js';
import { skipReason } from './helpers/families.js';

checkNoLeaks();

const { AF_INET, AF_INET6, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, SO_REUSEPORT, IPPROTO_IPV6, IPV6_V6ONLY } = socket;

/** Why IPv6 loopback tests cannot run here, or null. */
function noIPv6(): string | null {
  const r = skipReason(AF_INET6, SOCK_STREAM);
  if (r !== null) return r;
  try {
    const s = socket.socket(AF_INET6, SOCK_STREAM);
    try {
      s.bind(['::1', 0]);
    } finally {
      s.close();
    }
  } catch (e) {
    return `cannot bind ::1: ${(e as Error).message}`;
  }
  return null;
}

const port = (s: socket.Socket): number => (s.getsockname() as [string, number])[1];

test('create_server binds where asked (test_socket: CreateServerTest.test_address)', (t) => {
  const srv = socket.create_server(['127.0.0.1', 0]);
  try {
    assert.equal((srv.getsockname() as [string, number])[0], '127.0.0.1');
  } finally {
    srv.close();
  }
  const why = noIPv6();
  if (why !== null) {
    t.skip(why);
    return;
  }
  const srv6 = socket.create_server(['::1', 0], { family: AF_INET6 });
  try {
    assert.equal((srv6.getsockname() as [string, number])[0], '::1');
  } finally {
    srv6.close();
  }
});

test('family and type, listening (test_socket: CreateServerTest.test_family_and_type)', (t) => {
  const srv = socket.create_server(['127.0.0.1', 0]);
  try {
    assert.equal(srv.family, AF_INET);
    assert.equal(srv.type, SOCK_STREAM);
    assert.equal(srv.getsockopt(SOL_SOCKET, socket.SO_ACCEPTCONN), 1);
    assert.equal(srv.getsockopt(SOL_SOCKET, SO_REUSEADDR), 1);
  } finally {
    srv.close();
  }
  if (noIPv6() !== null) {
    t.skip(noIPv6()!);
    return;
  }
  const srv6 = socket.create_server(['::1', 0], { family: AF_INET6 });
  try {
    assert.equal(srv6.family, AF_INET6);
    assert.equal(srv6.type, SOCK_STREAM);
  } finally {
    srv6.close();
  }
});

test('reuse_port sets SO_REUSEPORT (test_socket: CreateServerTest.test_reuse_port)', () => {
  const a = socket.create_server(['127.0.0.1', 0]);
  try {
    assert.equal(a.getsockopt(SOL_SOCKET, SO_REUSEPORT), 0);
  } finally {
    a.close();
  }
  const b = socket.create_server(['127.0.0.1', 0], { reuse_port: true });
  try {
    assert.notEqual(b.getsockopt(SOL_SOCKET, SO_REUSEPORT), 0);
    // A second server on the same port works only because of it.
    const c = socket.create_server(['127.0.0.1', port(b)], { reuse_port: true });
    c.close();
  } finally {
    b.close();
  }
});

test('IPV6_V6ONLY is set explicitly; dualstack clears it (test_socket: CreateServerTest.test_ipv6_only_default, test_dualstack_ipv6_family)', (t) => {
  const why = noIPv6();
  if (why !== null) {
    t.skip(why);
    return;
  }
  const plain = socket.socket(AF_INET6, SOCK_STREAM);
  const v6only = socket.create_server(['::1', 0], { family: AF_INET6 });
  try {
    assert.equal(plain.getsockopt(IPPROTO_IPV6, IPV6_V6ONLY), 0); // Linux's default
    assert.equal(v6only.getsockopt(IPPROTO_IPV6, IPV6_V6ONLY), 1);
  } finally {
    plain.close();
    v6only.close();
  }
  assert.equal(socket.has_dualstack_ipv6(), true);
  const dual = socket.create_server(['::', 0], { family: AF_INET6, dualstack_ipv6: true });
  try {
    assert.equal(dual.family, AF_INET6);
    assert.equal(dual.getsockopt(IPPROTO_IPV6, IPV6_V6ONLY), 0);
  } finally {
    dual.close();
  }
});

test('option errors are RangeError with Python\'s text', () => {
  assert.throws(() => socket.create_server(['127.0.0.1', 0], { dualstack_ipv6: true }),
    { name: 'RangeError', message: 'dualstack_ipv6 requires AF_INET6 family' });
  assert.throws(() => socket.create_server(['127.0.0.1', 0], { family: 'x' as unknown as number }), TypeError);
  assert.throws(() => socket.create_server(['127.0.0.1', 70000]), RangeError);
  assert.equal(socket.has_ipv6, python<boolean>('import json, socket; print(json.dumps(socket.has_ipv6))'));
  assert.equal(socket.has_dualstack_ipv6(), python<boolean>('import json, socket; print(json.dumps(socket.has_dualstack_ipv6()))'));
});

test('a bind error keeps its errno and names the address, as in python3', () => {
  const first = socket.create_server(['127.0.0.1', 0]);
  const p = port(first);
  try {
    let err: unknown = null;
    try {
      socket.create_server(['127.0.0.1', p]).close();
    } catch (e) {
      err = e;
    }
    const py = python<{ name: string; errno: number; strerror: string; str: string }>(`
import json, socket
a = socket.create_server(('127.0.0.1', 0))
p = a.getsockname()[1]
try:
    socket.create_server(('127.0.0.1', p))
except OSError as e:
    print(json.dumps({'name': type(e).__name__, 'errno': e.errno,
                      'strerror': e.strerror.replace(str(p), 'PORT'), 'str': str(e).replace(str(p), 'PORT')}))
`);
    assert.ok(err instanceof socket.OSError, String(err));
    assert.equal(err.constructor.name, py.name);
    assert.equal(err.errno, py.errno);
    assert.equal(err.strerror!.replace(String(p), 'PORT'), py.strerror);
    assert.equal(err.message.replace(String(p), 'PORT'), py.str);
  } finally {
    first.close();
  }
});

async function echoThrough(srv: socket.Socket, host: string, family: number): Promise<socket.SockAddr> {
  const peer = runPeer('connect', 'connectEcho', [host, port(srv), family, 'foo']);
  srv.settimeout(5);
  const [conn, addr] = srv.accept();
  try {
    conn.settimeout(5);
    const msg = conn.recv(1024);
    conn.sendall(msg);
  } finally {
    conn.close();
  }
  assert.equal(await peer.done, 'foo');
  return addr;
}

test('echo over IPv4 and IPv6 (test_socket: CreateServerFunctionalTest.test_tcp4, test_tcp6)', async (t) => {
  const srv = socket.create_server(['127.0.0.1', 0]);
  try {
    assert.equal((await echoThrough(srv, '127.0.0.1', AF_INET) as [string, number])[0], '127.0.0.1');
  } finally {
    srv.close();
  }
  const why = noIPv6();
  if (why !== null) {
    t.skip(why);
    return;
  }
  const srv6 = socket.create_server(['::1', 0], { family: AF_INET6 });
  try {
    assert.equal((await echoThrough(srv6, '::1', AF_INET6) as unknown[])[0], '::1');
  } finally {
    srv6.close();
  }
});

test('a dual-stack server takes IPv4 and IPv6 clients (test_socket: CreateServerFunctionalTest.test_dual_stack_client_v4, _v6)', async (t) => {
  const why = noIPv6();
  if (why !== null) {
    t.skip(why);
    return;
  }
  const srv = socket.create_server(['', 0], { family: AF_INET6, dualstack_ipv6: true });
  try {
    const v4 = await echoThrough(srv, '127.0.0.1', AF_INET) as unknown[];
    assert.equal(v4[0], '::ffff:127.0.0.1');
    assert.equal(v4.length, 4);
    const v6 = await echoThrough(srv, '::1', AF_INET6) as unknown[];
    assert.equal(v6[0], '::1');
  } finally {
    srv.close();
  }
});
