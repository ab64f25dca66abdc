/**
 * Datagram sockets over UDP and UDPLITE, IPv4 and IPv6 (CPython:
 * BasicUDPTest, BasicUDPLITETest, GeneralModuleTests.testSendtoErrors).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';
import { runPeer } from './helpers/peer.js';
import { closeAll } from './helpers/core.js';

checkNoLeaks();

const MSG = Buffer.from('Michael Gilfix was here\u1234\r\n');

interface Variant {
  label: string;
  family: number;
  proto: number;
  host: string;
  cls: string;
}

const variants: Variant[] = [
  { label: 'UDP', family: socket.AF_INET, proto: 0, host: '127.0.0.1', cls: 'BasicUDPTest' },
  { label: 'UDP6', family: socket.AF_INET6, proto: 0, host: '::1', cls: 'BasicUDPTest (IPv6)' },
  { label: 'UDPLITE', family: socket.AF_INET, proto: socket.IPPROTO_UDPLITE, host: '127.0.0.1', cls: 'BasicUDPLITETest' },
  { label: 'UDPLITE6', family: socket.AF_INET6, proto: socket.IPPROTO_UDPLITE, host: '::1', cls: 'BasicUDPLITETest (IPv6)' },
];

/** A bound datagram socket and its address. */
function bound(v: Variant): [socket.Socket, unknown[]] {
  const s = socket.socket(v.family, socket.SOCK_DGRAM, v.proto);
  s.bind([v.host, 0]);
  return [s, s.getsockname() as unknown[]];
}

for (const v of variants) {
  const reason = (): string | null => skipReason(v.family, socket.SOCK_DGRAM, v.proto ?? -1);

  test(`${v.label}: sendto then recv delivers the datagram (test_socket: ${v.cls}.testSendtoAndRecv)`, (t) => {
    const r = reason();
    if (r) return t.skip(r);
    const [srv, addr] = bound(v);
    const cli = socket.socket(v.family, socket.SOCK_DGRAM, v.proto);
    try {
      assert.equal(cli.sendto(MSG, addr), MSG.length);
      srv.settimeout(5);
      assert.deepEqual(srv.recv(MSG.length), MSG);
    } finally {
      closeAll(srv, cli);
    }
  });

  test(`${v.label}: recvfrom returns the sender's address (test_socket: ${v.cls}.testRecvFrom)`, (t) => {
    const r = reason();
    if (r) return t.skip(r);
    const [srv, addr] = bound(v);
    const [cli, cliAddr] = bound(v);
    try {
      cli.sendto(MSG, 0, addr);
      srv.settimeout(5);
      const [data, from] = srv.recvfrom(MSG.length);
      assert.deepEqual(data, MSG);
      assert.deepEqual(from, cliAddr);
      assert.equal((from as unknown[]).length, v.family === socket.AF_INET6 ? 4 : 2);
    } finally {
      closeAll(srv, cli);
    }
  });

  test(`${v.label}: recvfrom(-1) is a RangeError (test_socket: ${v.cls}.testRecvFromNegative)`, (t) => {
    const r = reason();
    if (r) return t.skip(r);
    const [srv] = bound(v);
    try {
      assert.throws(() => srv.recvfrom(-1), { name: 'RangeError', message: 'negative buffersize in recvfrom' });
    } finally {
      srv.close();
    }
  });

  test(`${v.label}: a blocking recvfrom waits for a datagram sent later (test_socket: ${v.cls}, threaded)`, async (t) => {
    const r = reason();
    if (r) return t.skip(r);
    const [srv, addr] = bound(v);
    try {
      const peer = runPeer('core', 'sendtoLater', [v.family, v.proto, v.host, addr[1], 100, MSG.toString()]);
      srv.settimeout(10);
      const [data] = srv.recvfrom(1024);
      await peer.done;
      assert.deepEqual(data, MSG);
    } finally {
      srv.close();
    }
  });
}

test('a datagram longer than the buffer is cut, the rest discarded (behaviour 61)', () => {
  const [srv, addr] = bound(variants[0]!);
  const cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    cli.sendto(Buffer.from('0123456789'), addr);
    cli.sendto(Buffer.from('next'), addr);
    srv.settimeout(5);
    assert.equal(srv.recv(4).toString(), '0123');
    assert.equal(srv.recv(100).toString(), 'next');
  } finally {
    closeAll(srv, cli);
  }
});

test('recvfrom_into fills the buffer and returns [count, address] (test_socket: BufferIOTest on UDP)', () => {
  const [srv, addr] = bound(variants[0]!);
  const [cli, cliAddr] = bound(variants[0]!);
  try {
    cli.sendto(MSG, addr);
    srv.settimeout(5);
    const buf = new Uint8Array(1024);
    const [n, from] = srv.recvfrom_into(buf);
    assert.equal(n, MSG.length);
    assert.deepEqual(Buffer.from(buf.subarray(0, n)), MSG);
    assert.deepEqual(from, cliAddr);
  } finally {
    closeAll(srv, cli);
  }
});

test('send on an unconnected datagram socket is EDESTADDRREQ; after connect it goes to the peer (behaviour 63)', () => {
  const [srv, addr] = bound(variants[0]!);
  const cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    assert.throws(() => cli.send(MSG), (e: unknown) => e instanceof socket.OSError && e.errno === 89 && e.code === 'EDESTADDRREQ');
    cli.connect(addr);
    assert.deepEqual(cli.getpeername(), addr);
    cli.send(MSG);
    srv.settimeout(5);
    assert.deepEqual(srv.recv(1024), MSG);
  } finally {
    closeAll(srv, cli);
  }
});

test('sendto argument errors: str data, null address, wrong argument counts, bad flags (test_socket: GeneralModuleTests.testSendtoErrors)', () => {
  const s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);
  const sendto = s.sendto.bind(s) as (...a: unknown[]) => number;
  try {
    assert.throws(() => sendto('\u00bd', ['127.0.0.1', 9]), { name: 'TypeError', message: /a bytes-like object is required, not 'str'/ });
    assert.throws(() => sendto(complexLike(), ['127.0.0.1', 9]), TypeError);
    assert.throws(() => sendto(Buffer.from('foo'), null), { name: 'TypeError', message: /AF_INET address must be tuple, not null/ });
    assert.throws(() => sendto('\u00bd', 0, ['127.0.0.1', 9]), { name: 'TypeError', message: /bytes-like object is required/ });
    assert.throws(() => sendto(Buffer.from('foo'), 0, null), { name: 'TypeError', message: /AF_INET address must be tuple, not null/ });
    assert.throws(() => sendto(Buffer.from('foo'), 'bar', ['127.0.0.1', 9]), TypeError);
    assert.throws(() => sendto(Buffer.from('foo')), { name: 'TypeError', message: 'sendto() takes 2 or 3 arguments (1 given)' });
    assert.throws(() => sendto(Buffer.from('foo'), 0, ['127.0.0.1', 9], 5),
      { name: 'TypeError', message: 'sendto() takes 2 or 3 arguments (4 given)' });
    assert.throws(() => sendto(Buffer.from('foo'), ['127.0.0.1', 70000]), { name: 'RangeError', message: 'sendto(): port must be 0-65535.' });
    assert.throws(() => s6.sendto(Buffer.from('foo'), null as unknown as string), { name: 'TypeError', message: /AF_INET6 address must be tuple/ });
  } finally {
    closeAll(s, s6);
  }
});

/** A value of no bytes-like type (Python's 5j). */
function complexLike(): unknown {
  return { real: 0, imag: 5 };
}

test('sendto to an address, then connect elsewhere, then sendto the first address again reaches the first (sendto cache vs. other encodes)', () => {
  const [a, addrA] = bound(variants[0]!);
  const [b, addrB] = bound(variants[0]!);
  const cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  try {
    a.settimeout(5);
    b.settimeout(5);
    cli.sendto(Buffer.from('one'), addrA);
    assert.equal(a.recv(100).toString(), 'one');
    cli.connect(addrB); // encodes another address into the socket's buffer
    cli.sendto(Buffer.from('two'), addrA); // the very same array as before
    assert.equal(a.recv(100).toString(), 'two');
    b.setblocking(false);
    assert.throws(() => b.recv(100), socket.BlockingIOError, 'nothing went to B');
    // Mutating the cached array is seen.
    const dest = [...addrA] as [string, number];
    cli.sendto(Buffer.from('three'), dest);
    dest[1] = addrB[1] as number;
    cli.sendto(Buffer.from('four'), dest);
    assert.equal(a.recv(100).toString(), 'three');
    b.settimeout(5);
    assert.equal(b.recv(100).toString(), 'four');
  } finally {
    closeAll(a, b, cli);
  }
});
