/** BasicTCPTest (CPython test_socket): a connected TCP pair, the client in a worker. */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { runPeer } from './helpers/peer.js';
import { createHash } from 'node:crypto';
import { closeAll, since, tcpPair } from './helpers/core.js';
import { skipReason } from './helpers/families.js';

checkNoLeaks();

const MSG = 'Michael Gilfix was here\u1234\r\n';

function listener(): [socket.Socket, number] {
  const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(['127.0.0.1', 0]);
  srv.listen();
  return [srv, (srv.getsockname() as [string, number])[1]];
}

test('recv returns what the client sent (test_socket: BasicTCPTest.testRecv)', async () => {
  const [srv, port] = listener();
  const peer = runPeer('tcp', 'connectAndSend', [port, MSG]);
  const [conn] = srv.accept();
  const chunks: Buffer[] = [];
  for (let i = 0; i < 100; i++) {
    const b = conn.recv(1024);
    if (b.length === 0) break;
    chunks.push(b);
  }
  await peer.done;
  assert.equal(Buffer.concat(chunks).toString(), MSG);
  conn.close();
  srv.close();
});

// ---- BasicTCPTest / BasicTCPTest2 / TCPCloserTest / BufferIOTest ------------

const MSGB = Buffer.from(MSG);

test('recv(n) returns at most n bytes and the rest on the next call (test_socket: BasicTCPTest.testOverFlowRecv)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.sendall(MSGB);
    conn.settimeout(5);
    const head = conn.recv(3);
    assert.equal(head.length, 3);
    const rest = conn.recv(1024);
    assert.deepEqual(Buffer.concat([head, rest]), MSGB);
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('recvfrom on a connected TCP socket returns [data, null] (test_socket: BasicTCPTest.testRecvFrom)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.sendall(MSGB);
    conn.settimeout(5);
    const [data, addr] = conn.recvfrom(1024);
    assert.deepEqual(data, MSGB);
    assert.equal(addr, null);
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('recvfrom(n) returns at most n bytes and the rest on the next call (test_socket: BasicTCPTest.testOverFlowRecvFrom)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.sendall(MSGB);
    conn.settimeout(5);
    const [head] = conn.recvfrom(3);
    const [rest] = conn.recvfrom(1024);
    assert.equal(head.length, 3);
    assert.deepEqual(Buffer.concat([head, rest]), MSGB);
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('recv returns empty Buffer at EOF, recv(0) returns at once, send of nothing is 0 (test_socket: BasicTCPTest.testRecv, behaviour 59)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    conn.settimeout(5);
    const t0 = performance.now();
    assert.deepEqual(conn.recv(0), Buffer.alloc(0));
    assert.ok(since(t0) < 1000, 'recv(0) did not wait for data');
    assert.equal(cli.send(Buffer.alloc(0)), 0);
    cli.sendall(Buffer.alloc(0));
    cli.close();
    assert.deepEqual(conn.recv(1024), Buffer.alloc(0));
    assert.deepEqual(conn.recv(1024), Buffer.alloc(0), 'EOF stays EOF');
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('a blocking recv waits for a peer that sends later (test_socket: BasicTCPTest.testRecv)', async () => {
  const [conn, cli, srv] = tcpPair();
  try {
    const peer = runPeer('core', 'sendLater', [cli.fileno(), 100, MSG]);
    conn.settimeout(10);
    const chunks: Buffer[] = [];
    while (Buffer.concat(chunks).length < MSGB.length && chunks.length < 100) chunks.push(conn.recv(1024));
    await peer.done;
    assert.deepEqual(Buffer.concat(chunks), MSGB);
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('sendall sends every byte of a buffer far larger than the socket buffers (test_socket: BasicTCPTest.testSendAll)', async () => {
  const [conn, cli, srv] = tcpPair();
  try {
    const big = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
    const peer = runPeer('core', 'readAll', [conn.fileno(), 10]);
    assert.equal(cli.sendall(big), undefined);
    cli.shutdown(socket.SHUT_WR);
    const got = await peer.done as { length: number; sha1: string };
    assert.equal(got.length, big.length);
    assert.equal(got.sha1, createHash('sha1').update(big).digest('hex'));
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('sendall under a timeout sends everything to a reader that keeps up (test_socket: BasicTCPTest.testSendAll)', async () => {
  const [conn, cli, srv] = tcpPair();
  try {
    const big = Buffer.alloc(4 * 1024 * 1024, 0x66);
    const peer = runPeer('core', 'readAll', [conn.fileno(), 10]);
    cli.settimeout(10);
    cli.sendall(new Uint8Array(big.buffer, big.byteOffset, big.length));
    cli.shutdown(socket.SHUT_WR);
    const got = await peer.done as { length: number };
    assert.equal(got.length, big.length);
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('shutdown(SHUT_RDWR) after a send still lets the peer read, then EOF; overflow and bad how are errors (test_socket: BasicTCPTest.testShutdown, testShutdown_overflow)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.sendall(MSGB);
    assert.throws(() => cli.shutdown(2 ** 31), RangeError);
    assert.throws(() => cli.shutdown(-(2 ** 31) - 1), RangeError);
    assert.throws(() => cli.shutdown(5), (e: unknown) => e instanceof socket.OSError && e.code === 'EINVAL');
    assert.throws(() => cli.shutdown('1' as unknown as number), TypeError);
    cli.shutdown(socket.SHUT_RDWR);
    conn.settimeout(5);
    const chunks: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      const b = conn.recv(1024);
      if (b.length === 0) break;
      chunks.push(b);
    }
    assert.deepEqual(Buffer.concat(chunks), MSGB);
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('a blocked recv returns empty when the peer shuts down (test_socket: TCPCloserTest.testClose)', async () => {
  const [conn, cli, srv] = tcpPair();
  try {
    const peer = runPeer('core', 'shutdownLater', [cli.fileno(), 100]);
    conn.settimeout(10);
    assert.deepEqual(conn.recv(1), Buffer.alloc(0));
    await peer.done;
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('MSG_PEEK leaves the data queued (test_socket: RecvmsgGenericTests.testRecvmsgPeek, on recv)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.sendall(MSGB);
    conn.settimeout(5);
    const peeked = conn.recv(1024, socket.MSG_PEEK);
    assert.deepEqual(peeked, MSGB);
    assert.deepEqual(conn.recv(1024), MSGB);
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('large receives return distinct buffers that later receives do not overwrite (decision 3)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    conn.settimeout(5);
    cli.sendall(Buffer.alloc(10_000, 0x61));
    const a = conn.recv(65536);
    cli.sendall(Buffer.alloc(10_000, 0x62));
    const b = conn.recv(65536);
    assert.ok(a.length > 0 && b.length > 0);
    assert.ok(a.every((x) => x === 0x61), 'the first buffer kept its bytes');
    assert.ok(b.every((x) => x === 0x62));
    assert.ok(a.length <= 10_000);
    const [c] = (cli.sendall(Buffer.alloc(5000, 0x63)), conn.recvfrom(65536));
    assert.ok(c.every((x) => x === 0x63));
    assert.ok(a.every((x) => x === 0x61));
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('an IPv6 TCP pair names itself with 4-element addresses (test_socket: SocketConnectedTest over AF_INET6)', (t) => {
  const reason = skipReason(socket.AF_INET6);
  if (reason) return t.skip(reason);
  const [conn, cli, srv] = tcpPair(socket.AF_INET6);
  try {
    const name = cli.getsockname() as unknown[];
    assert.equal(name.length, 4);
    assert.equal(name[0], '::1');
    assert.deepEqual(cli.getpeername(), srv.getsockname());
    cli.sendall(MSGB);
    conn.settimeout(5);
    assert.deepEqual(conn.recv(1024), MSGB);
  } finally {
    closeAll(conn, cli, srv);
  }
});

for (const [label, make] of [
  ['Buffer', (n: number) => Buffer.alloc(n)],
  ['Uint8Array', (n: number) => new Uint8Array(n)],
  ['DataView', (n: number) => new DataView(new ArrayBuffer(n))],
  ['ArrayBuffer', (n: number) => new ArrayBuffer(n)],
  ['Uint16Array', (n: number) => new Uint16Array(n / 2)],
] as Array<[string, (n: number) => ArrayBufferView | ArrayBuffer]>) {
  const bytesOf = (b: ArrayBufferView | ArrayBuffer): Buffer =>
    b instanceof ArrayBuffer ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

  test(`recv_into fills a ${label} from offset 0 and returns the count (test_socket: BufferIOTest.testRecvIntoArray)`, () => {
    const [conn, cli, srv] = tcpPair();
    try {
      cli.sendall(MSGB);
      conn.settimeout(5);
      const buf = make(1024);
      const n = conn.recv_into(buf);
      assert.equal(n, MSGB.length);
      assert.deepEqual(bytesOf(buf).subarray(0, n), MSGB);
    } finally {
      closeAll(conn, cli, srv);
    }
  });

  test(`recvfrom_into fills a ${label} and returns [count, null] on TCP (test_socket: BufferIOTest.testRecvFromIntoArray)`, () => {
    const [conn, cli, srv] = tcpPair();
    try {
      cli.sendall(MSGB);
      conn.settimeout(5);
      const buf = make(1024);
      const [n, addr] = conn.recvfrom_into(buf);
      assert.equal(n, MSGB.length);
      assert.equal(addr, null);
      assert.deepEqual(bytesOf(buf).subarray(0, n), MSGB);
    } finally {
      closeAll(conn, cli, srv);
    }
  });
}

test('recv_into a view writes only inside the view and honours nbytes (test_socket: BufferIOTest.testRecvIntoMemoryview)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.sendall(MSGB);
    conn.settimeout(5);
    const whole = Buffer.alloc(64, 0x2e);
    const view = whole.subarray(8, 8 + 10);
    assert.equal(conn.recv_into(view, 5), 5);
    assert.deepEqual(whole.subarray(8, 13), MSGB.subarray(0, 5));
    assert.ok(whole.subarray(0, 8).every((x) => x === 0x2e));
    assert.ok(whole.subarray(13).every((x) => x === 0x2e), 'nothing written past nbytes');
    const rest = Buffer.alloc(1024);
    const m = conn.recv_into(rest, 0); // 0 means the whole buffer
    assert.deepEqual(rest.subarray(0, m), MSGB.subarray(5));
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('recv_into/recvfrom_into refuse nbytes beyond the buffer, negatives and non-buffers (test_socket: BufferIOTest.testRecvFromIntoSmallBuffer)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    const buf = Buffer.alloc(8);
    assert.throws(() => conn.recvfrom_into(buf, 1024), { name: 'RangeError', message: 'nbytes is greater than the length of the buffer' });
    assert.throws(() => conn.recv_into(buf, 1024), { name: 'RangeError', message: 'buffer too small for requested bytes' });
    assert.throws(() => conn.recv_into(buf, -1), { name: 'RangeError', message: 'negative buffersize in recv_into' });
    assert.throws(() => conn.recvfrom_into(buf, -1), { name: 'RangeError', message: 'negative buffersize in recvfrom_into' });
    assert.throws(() => conn.recv_into('abc' as unknown as Buffer), TypeError);
    assert.throws(() => conn.recvfrom_into(null as unknown as Buffer), TypeError);
    assert.throws(() => conn.recv(-1), { name: 'RangeError', message: 'negative buffersize in recv' });
    assert.throws(() => conn.recv(1.5), TypeError);
  } finally {
    closeAll(conn, cli, srv);
  }
});

test('recvfrom_into an empty buffer returns [0, null] (test_socket: BufferIOTest.testRecvFromIntoEmptyBuffer)', () => {
  const [conn, cli, srv] = tcpPair();
  try {
    cli.sendall(MSGB);
    conn.settimeout(5);
    const empty = Buffer.alloc(0);
    assert.deepEqual(conn.recvfrom_into(empty), [0, null]);
    assert.deepEqual(conn.recvfrom_into(empty, 0), [0, null]);
    assert.equal(conn.recv_into(new Uint8Array(0)), 0);
    assert.deepEqual(conn.recv(1024), MSGB, 'the data is still there');
  } finally {
    closeAll(conn, cli, srv);
  }
});

const createConnection = (socket as unknown as Record<string, unknown>)['create_connection'] as
  ((address: [string, number], timeout?: number | null) => socket.Socket) | undefined;

test('a client made by create_connection talks to accept (test_socket: BasicTCPTest2.testRecv, testSendAll, testShutdown)',
  { skip: createConnection === undefined ? 'create_connection is not in this build yet' : false }, async () => {
    const [srv, port] = listener();
    const cli = createConnection!(['127.0.0.1', port]);
    const [conn] = srv.accept();
    try {
      assert.equal(cli.family, socket.AF_INET);
      assert.deepEqual(cli.getpeername(), srv.getsockname());
      cli.sendall(MSGB);
      conn.settimeout(5);
      assert.deepEqual(conn.recv(1024), MSGB);
      const peer = runPeer('core', 'readAll', [conn.fileno(), 10]);
      cli.sendall(Buffer.alloc(2 * 1024 * 1024, 1));
      cli.shutdown(socket.SHUT_RDWR);
      assert.equal((await peer.done as { length: number }).length, 2 * 1024 * 1024);
      const d = cli.dup();
      assert.equal(d.gettimeout(), cli.gettimeout());
      d.close();
    } finally {
      closeAll(conn, cli, srv);
    }
  });
