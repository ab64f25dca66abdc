/**
 * sendfile (CPython test_socket: SendfileUsingSendTest and
 * SendfileUsingSendfileTest; behaviours M107-M109). The two paths are
 * reached the way CPython reaches them, through the private halves
 * (`sendfileUsingSend`, `sendfileUsingSendfile`); the public method picks
 * one. The receiving half runs in a worker thread (the sender blocks: 10 MiB
 * does not fit the socket buffers).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { runPeer } from './helpers/peer.js';
import { tcpPair } from './peers/messages-common.js';

type Meth = (sock: socket.Socket, file: socket.SendfileFile, offset?: number, count?: number | null) => number;
/** The private halves, as CPython's tests call _sendfile_use_send/_sendfile_use_sendfile. */
interface Private {
  GiveupOnSendfile: new (...a: unknown[]) => Error;
  mnative: { lseek(fd: number, offset: number, whence: number): number };
  sendfileUsingSend: Meth;
  sendfileUsingSendfile: Meth;
}
// The built library module next to the package's entry point (same module instance).
const priv = (await import(new URL('../../dist/messages.js', import.meta.url).href)) as Private;
const { GiveupOnSendfile, mnative, sendfileUsingSend, sendfileUsingSendfile } = priv;

const dir = mkdtempSync(path.join(tmpdir(), 'bsd-socket-sendfile-'));
checkNoLeaks(['socket:', 'pipe:', dir]);
test.after(() => rmSync(dir, { recursive: true, force: true }));

const FILESIZE = 10 * 1024 * 1024;
// Letters, as CPython's file: random so that a misplaced offset cannot pass.
const FILEDATA = Buffer.from(randomBytes(FILESIZE).map((b) => 65 + (b % 26)));
const TESTFN = path.join(dir, 'data');
writeFileSync(TESTFN, FILEDATA);
const EMPTY = path.join(dir, 'empty');
writeFileSync(EMPTY, '');

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const position = (fd: number): number => mnative.lseek(fd, 0, 1);

/**
 * A connected TCP pair whose server end is drained by a worker; `body` sends
 * from the client end, which is closed afterwards so the worker sees EOF.
 */
async function transfer(body: (cli: socket.Socket) => void): Promise<{ length: number; sha256: string }> {
  const [cli, conn] = tcpPair();
  try {
    const peer = runPeer('messages', 'recvAll', [conn.fileno()], 60_000);
    try {
      body(cli);
    } finally {
      cli.close();
    }
    return (await peer.done) as { length: number; sha256: string };
  } finally {
    cli.close();
    conn.close();
  }
}

function withFile<T>(p: string, body: (fd: number) => T): T {
  const fd = openSync(p, 'r');
  try {
    return body(fd);
  } finally {
    closeSync(fd);
  }
}

const paths: Array<[string, Meth]> = [
  ['SendfileUsingSendTest', sendfileUsingSend],
  ['SendfileUsingSendfileTest', sendfileUsingSendfile],
];

for (const [cls, meth] of paths) {
  const name = (m: string, what: string): string => `${what} (test_socket: ${cls}.${m})`;

  test(name('testRegularFile', 'sends a whole regular file, position at its end'), async () => {
    const got = await transfer((cli) => withFile(TESTFN, (fd) => {
      assert.equal(meth(cli, fd), FILESIZE);
      assert.equal(position(fd), FILESIZE);
    }));
    assert.deepEqual(got, { length: FILESIZE, sha256: sha(FILEDATA) });
  });

  test(name('testEmptyFileSend', 'an empty file sends nothing'), async () => {
    const got = await transfer((cli) => withFile(EMPTY, (fd) => {
      assert.equal(meth(cli, fd), 0);
      assert.equal(position(fd), 0);
    }));
    assert.equal(got.length, 0);
  });

  test(name('testOffset', 'starts at offset'), async () => {
    const got = await transfer((cli) => withFile(TESTFN, (fd) => {
      assert.equal(meth(cli, fd, 5000), FILESIZE - 5000);
      assert.equal(position(fd), FILESIZE);
    }));
    assert.deepEqual(got, { length: FILESIZE - 5000, sha256: sha(FILEDATA.subarray(5000)) });
  });

  test(name('testCount', 'sends exactly count bytes'), async () => {
    const count = 5000007;
    const got = await transfer((cli) => withFile(TESTFN, (fd) => {
      cli.settimeout(30);
      assert.equal(meth(cli, fd, 0, count), count);
      assert.equal(position(fd), count);
    }));
    assert.deepEqual(got, { length: count, sha256: sha(FILEDATA.subarray(0, count)) });
  });

  test(name('testCountSmall', 'sends one byte'), async () => {
    const got = await transfer((cli) => withFile(TESTFN, (fd) => {
      cli.settimeout(30);
      assert.equal(meth(cli, fd, 0, 1), 1);
      assert.equal(position(fd), 1);
    }));
    assert.deepEqual(got, { length: 1, sha256: sha(FILEDATA.subarray(0, 1)) });
  });

  test(name('testCountWithOffset', 'sends count bytes from offset'), async () => {
    const count = 100007;
    const got = await transfer((cli) => withFile(TESTFN, (fd) => {
      cli.settimeout(2);
      assert.equal(meth(cli, fd, 2007, count), count);
      assert.equal(position(fd), count + 2007);
    }));
    assert.deepEqual(got, { length: count, sha256: sha(FILEDATA.subarray(2007, 2007 + count)) });
  });

  test(name('testNonBlocking', 'non-blocking sockets are refused, nothing is sent'), () => {
    const [cli, conn] = tcpPair();
    try {
      withFile(TESTFN, (fd) => {
        cli.setblocking(false);
        assert.throws(() => meth(cli, fd), { name: 'RangeError', message: 'non-blocking sockets are not supported' });
        assert.throws(() => cli.sendfile(fd), { name: 'RangeError', message: 'non-blocking sockets are not supported' });
      });
      cli.close();
      conn.settimeout(10);
      assert.deepEqual(conn.recv(8192), Buffer.alloc(0));
    } finally {
      cli.close();
      conn.close();
    }
  });

  test(name('testWithTimeout', 'a timeout that is not reached does not interfere'), async () => {
    const got = await transfer((cli) => withFile(TESTFN, (fd) => {
      cli.settimeout(30);
      assert.equal(meth(cli, fd), FILESIZE);
    }));
    assert.deepEqual(got, { length: FILESIZE, sha256: sha(FILEDATA) });
  });

  test(name('testWithTimeoutTriggeredSend', 'a peer that stops reading makes it time out'), () => {
    const [cli, conn] = tcpPair();
    try {
      // Small buffers: 10 MiB certainly cannot be absorbed by the kernel.
      conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536);
      cli.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536);
      withFile(TESTFN, (fd) => {
        cli.settimeout(0.01);
        assert.throws(() => meth(cli, fd), (e: unknown) => e instanceof socket.TimeoutError && e.errno === null);
        // Whatever was sent is reflected in the file position.
        assert.ok(position(fd) > 0 && position(fd) < FILESIZE);
      });
    } finally {
      cli.close();
      conn.close();
    }
  });

  test(name('test_errors', 'argument errors'), () => {
    withFile(TESTFN, (fd) => {
      const d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
      try {
        assert.throws(() => meth(d, fd), { name: 'RangeError', message: /SOCK_STREAM/ });
      } finally {
        d.close();
      }
      const s = socket.socket();
      try {
        assert.throws(() => meth(s, fd, 0, '2' as unknown as number), { name: 'TypeError', message: 'count must be a positive integer (got \'2\')' });
        assert.throws(() => meth(s, fd, 0, 0.1), { name: 'TypeError', message: /positive integer/ });
        assert.throws(() => meth(s, fd, 0, 0), { name: 'RangeError', message: /positive integer/ });
        assert.throws(() => meth(s, fd, 0, -1), { name: 'RangeError', message: /positive integer/ });
        assert.throws(() => meth(s, fd, -1), RangeError);
        assert.throws(() => meth(s, 'file' as unknown as number), TypeError);
        assert.throws(() => meth(s, { fd: -1 }), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
      } finally {
        s.close();
      }
    });
  });
}

test('a non-regular file goes through send; the sendfile(2) half gives up on it (test_socket: SendfileUsingSendTest.testNonRegularFile)', async () => {
  const [r, w] = socket.socketpair();
  try {
    // The "file" is a stream whose other end a worker fills with the data.
    const writer = runPeer('messages', 'sendFileContents', [w.fileno(), TESTFN], 60_000);
    const got = await transfer((cli) => {
      const probe = socket.socket();
      try {
        assert.throws(() => sendfileUsingSendfile(probe, r.fileno()), GiveupOnSendfile);
      } finally {
        probe.close();
      }
      assert.equal(cli.sendfile(r.fileno()), FILESIZE);
    });
    assert.equal(await writer.done, FILESIZE);
    assert.deepEqual(got, { length: FILESIZE, sha256: sha(FILEDATA) });
  } finally {
    r.close();
    w.close();
  }
});

test('sendfile takes a node:fs/promises FileHandle (zero-copy path)', async () => {
  const fh = await open(TESTFN, 'r');
  try {
    const got = await transfer((cli) => {
      assert.equal(cli.sendfile(fh, 100, 1000), 1000);
    });
    assert.deepEqual(got, { length: 1000, sha256: sha(FILEDATA.subarray(100, 1100)) });
    const b = Buffer.alloc(4);
    // The file position follows the bytes sent, as in Python.
    assert.equal(readSync(fh.fd, b, 0, 4, null), 4);
    assert.deepEqual(b, FILEDATA.subarray(1100, 1104));
  } finally {
    await fh.close();
  }
  const closed = await open(TESTFN, 'r');
  await closed.close();
  const s = socket.socket();
  try {
    assert.throws(() => s.sendfile(closed), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
  } finally {
    s.close();
  }
});

test('sendfile on a Unix stream socket and over a FileHandle and the send fallback agree', async () => {
  const [a, b] = socket.socketpair();
  try {
    const peer = runPeer('messages', 'recvAll', [b.fileno()], 60_000);
    withFile(TESTFN, (fd) => {
      assert.equal(a.sendfile(fd, 7, 300000), 300000);
      assert.equal(sendfileUsingSend(a, fd, 300007, 1000), 1000);
    });
    a.shutdown(socket.SHUT_WR);
    const got = (await peer.done) as { length: number; sha256: string };
    assert.deepEqual(got, { length: 301000, sha256: sha(FILEDATA.subarray(7, 301007)) });
  } finally {
    a.close();
    b.close();
  }
});

// Found by fuzzing (2026-12-06): the send fallback's reads of the file were not bounded by the timeout.

test('the timeout bounds reads of a non-regular file too: an empty FIFO times out instead of blocking forever', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bsd-fifo-'));
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const fd = openSync(fifo, 'r+'); // O_RDWR: the open does not wait for a writer, and nobody writes
  const [a, b] = socket.socketpair();
  try {
    b.settimeout(0.3);
    assert.throws(() => b.sendfile(fd), (e: unknown) => e instanceof socket.TimeoutError && e.errno === null);
    await assert.rejects(b.async.sendfile(fd), socket.TimeoutError);
  } finally {
    closeSync(fd);
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that never ends (the peer socket itself) is bounded by the timeout', () => {
  const [a, b] = socket.socketpair();
  try {
    b.settimeout(0.3);
    b.send(Buffer.from('data'));
    // b reads from a what it sends to a: an endless loop without the deadline.
    assert.throws(() => b.sendfile(a.fileno()), socket.TimeoutError);
  } finally {
    a.close();
    b.close();
  }
});

test('a bad file descriptor is OSError EBADF from both forms, not a node:fs Error', async () => {
  const [a, b] = socket.socketpair();
  try {
    const isEBADF = (e: unknown): boolean => e instanceof socket.OSError && e.errno === 9;
    assert.throws(() => b.sendfile(99999), isEBADF);
    await assert.rejects(b.async.sendfile(99999), isEBADF);
  } finally {
    a.close();
    b.close();
  }
});
