/**
 * makefile() (CPython test_socket: FileObjectClassTestCase and its buffering /
 * text variants, GeneralModuleTests' makefile tests), plus the text layer's
 * newline and codec behaviour checked against values python3 gives.
 *
 * As in CPython, one generic body runs for each variant (buffering x text or
 * binary on each side). The reading end stays in this thread; the writing end
 * is adopted by a worker (test/peers/makefile.ts), which owns and closes it.
 */
import test from 'node:test';
import { constants as osConstants } from 'node:os';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { runPeer, sleepSync } from './helpers/peer.js';
import type { Step, WriterResult } from './peers/makefile.js';

checkNoLeaks();

const MSG_TEXT = 'Michael Gilfix was here\u1234\r\n';
const MSG = Buffer.from(MSG_TEXT, 'utf8');

type Data = Buffer | string;

interface Variant {
  name: string;
  bufsize: number;
  read_mode: string;
  write_mode: string;
  newline: string | null;
}

// CPython's FileObjectClassTestCase family: encoding utf-8, errors strict.
const VARIANTS: Variant[] = [
  { name: 'FileObjectClassTestCase', bufsize: -1, read_mode: 'rb', write_mode: 'wb', newline: null },
  { name: 'UnbufferedFileObjectClassTestCase', bufsize: 0, read_mode: 'rb', write_mode: 'wb', newline: null },
  { name: 'LineBufferedFileObjectClassTestCase', bufsize: 1, read_mode: 'rb', write_mode: 'wb', newline: null },
  { name: 'SmallBufferedFileObjectClassTestCase', bufsize: 2, read_mode: 'rb', write_mode: 'wb', newline: null },
  { name: 'UnicodeReadFileObjectClassTestCase', bufsize: -1, read_mode: 'r', write_mode: 'wb', newline: '' },
  { name: 'UnicodeWriteFileObjectClassTestCase', bufsize: -1, read_mode: 'rb', write_mode: 'w', newline: '' },
  { name: 'UnicodeReadWriteFileObjectClassTestCase', bufsize: -1, read_mode: 'r', write_mode: 'w', newline: '' },
];

const options = (v: Variant): socket.MakefileOptions => ({ encoding: 'utf-8', errors: 'strict', newline: v.newline });
const readMsg = (v: Variant, text = MSG_TEXT): Data => (v.read_mode.includes('b') ? Buffer.from(text, 'utf8') : text);
const cat = (a: Data | null, b: Data | null): Data => {
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  assert.ok(Buffer.isBuffer(a) && Buffer.isBuffer(b), `cannot concatenate ${typeof a} and ${typeof b}`);
  return Buffer.concat([a, b]);
};
const write = (text: string): Step => ({ op: 'write', text });

interface Ctx {
  cli: socket.Socket;
  read_file: socket.SocketFile;
  /** read() of whichever kind of file read_file is. */
  read(n?: number): Data | null;
  readline(): Data;
}

/**
 * CPython's SocketConnectedTest + FileObjectClassTestCase set-up: a connected
 * pair; `read_file` on this end, the worker runs `steps` on a write_file on
 * the other. Tear-down closes read_file (asserting `closed`) and the socket,
 * then waits for the worker.
 */
async function connected(v: Variant, steps: Step[], body: (ctx: Ctx) => void | Promise<void>): Promise<WriterResult> {
  const [cli, serv] = socket.socketpair();
  const servFd = serv.detach(); // the worker owns it from here
  const peer = runPeer('makefile', 'writer', [servFd, v.write_mode, v.bufsize, options(v), steps]);
  let failure: unknown = null;
  let read_file: socket.SocketFile | null = null;
  try {
    const f = cli.makefile(v.read_mode, v.bufsize, options(v));
    read_file = f;
    await body({
      cli,
      read_file: f,
      read: (n) => f.read(n) as Data | null,
      readline: () => f.readline(),
    });
  } catch (e) {
    failure = e;
  }
  try {
    read_file?.close();
    if (read_file !== null) assert.ok(read_file.closed);
  } finally {
    cli.close();
  }
  if (failure !== null) {
    await peer.done.catch(() => undefined);
    throw failure;
  }
  return (await peer.done) as WriterResult;
}

// ---- the generic bodies (FileObjectClassTestCase) ------------------------------

for (const v of VARIANTS) {
  const t = (name: string, fn: () => Promise<void>): void => {
    test(`test_socket: ${v.name}.${name}`, fn);
  };

  t('testReadAfterTimeout', async () => {
    await connected(v, [write(MSG_TEXT.slice(0, 3)), { op: 'flush' }, { op: 'waitEof' }], ({ cli, read }) => {
      // A generous timeout while the worker starts and writes (a loaded
      // machine can take seconds), then a short one for the read that must
      // run out of time (CPython uses 1 s for both).
      cli.settimeout(10);
      read(3);
      cli.settimeout(0.3);
      // The first read runs out of time...
      assert.throws(() => read(1), socket.TimeoutError);
      // ...and the file refuses to read again: bytes may have been lost.
      assert.throws(() => read(1), (e: unknown) => e instanceof socket.OSError && !(e instanceof socket.TimeoutError) &&
        e.message.includes('cannot read from timed out object'));
    });
  });

  t('testSmallRead', async () => {
    await connected(v, [write(MSG_TEXT), { op: 'flush' }], ({ read }) => {
      const n = readMsg(v).length;
      const first = read(n - 3);
      const second = read(3);
      assert.deepEqual(cat(first, second), readMsg(v));
    });
  });

  t('testFullRead', async () => {
    await connected(v, [write(MSG_TEXT), { op: 'closeFile' }], ({ read }) => {
      assert.deepEqual(read(), readMsg(v));
    });
  });

  t('testUnbufferedRead', async () => {
    await connected(v, [write(MSG_TEXT), { op: 'flush' }], ({ read }) => {
      let buf: Data = v.read_mode.includes('b') ? Buffer.alloc(0) : '';
      for (let i = 0; i < 1000; i++) {
        const ch = read(1);
        if (ch === null || ch.length === 0) break;
        buf = cat(buf, ch);
      }
      assert.deepEqual(buf, readMsg(v));
    });
  });

  t('testReadline', async () => {
    await connected(v, [write(MSG_TEXT), { op: 'flush' }], ({ readline }) => {
      assert.deepEqual(readline(), readMsg(v));
    });
  });

  t('testCloseAfterMakefile', async () => {
    await connected(v, [write(MSG_TEXT), { op: 'flush' }], ({ cli, read }) => {
      // The file keeps the descriptor open after the socket is closed.
      cli.close();
      assert.deepEqual(read(), readMsg(v));
    });
  });

  t('testMakefileAfterMakefileClose', async () => {
    await connected(v, [write(MSG_TEXT), { op: 'flush' }], ({ cli, read_file }) => {
      read_file.close();
      const chunks: Buffer[] = [];
      let n = 0;
      for (let i = 0; i < 100 && n < MSG.length; i++) {
        const b = cli.recv(MSG.length - n);
        if (b.length === 0) break;
        chunks.push(b);
        n += b.length;
      }
      const msg = Buffer.concat(chunks);
      assert.deepEqual(v.read_mode.includes('b') ? msg : msg.toString('utf8'), readMsg(v));
    });
  });

  t('testClosedAttr', async () => {
    const res = await connected(v, [{ op: 'attrs' }], ({ read_file }) => {
      assert.equal(read_file.closed, false);
    });
    assert.equal(res.attrs[0]!.closed, false);
  });

  t('testAttributes', async () => {
    const res = await connected(v, [{ op: 'attrs' }], ({ cli, read_file }) => {
      assert.equal(read_file.mode, v.read_mode);
      assert.equal(read_file.name, cli.fileno());
    });
    assert.equal(res.attrs[0]!.mode, v.write_mode);
    assert.equal(res.attrs[0]!.name, res.attrs[0]!.fileno);
  });

  t('testRealClose', async () => {
    await connected(v, [], ({ cli, read_file }) => {
      read_file.close();
      assert.throws(() => read_file.fileno(), RangeError);
      cli.close();
      assert.throws(() => cli.getsockname(), socket.OSError);
    });
  });
}

// ---- UnbufferedFileObjectClassTestCase's own tests -------------------------------

const UNBUFFERED = VARIANTS[1]!;

test('test_socket: UnbufferedFileObjectClassTestCase.testUnbufferedReadline', async () => {
  const steps: Step[] = [write(`A. ${MSG_TEXT}`), write(`B. ${MSG_TEXT}`), { op: 'flush' }];
  await connected(UNBUFFERED, steps, ({ cli, readline }) => {
    assert.deepEqual(readline(), Buffer.from(`A. ${MSG_TEXT}`));
    // The first file read nothing past its line: a second one gets the next line.
    using second = cli.makefile('rb', 0);
    assert.deepEqual(second.readline(), Buffer.from(`B. ${MSG_TEXT}`));
  });
});

test('test_socket: UnbufferedFileObjectClassTestCase.testMakefileClose', async () => {
  await connected(UNBUFFERED, [write(MSG_TEXT), { op: 'flush' }], ({ cli, read_file }) => {
    // The file keeps the socket's descriptor open...
    cli.close();
    assert.deepEqual(cli.recv(1024), MSG);
    // ...until the file itself closes.
    read_file.close();
    assert.throws(() => cli.recv(1024), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
  });
});

test('test_socket: UnbufferedFileObjectClassTestCase.testSmallReadNonBlocking', async () => {
  const steps: Step[] = [{ op: 'waitByte' }, write(MSG_TEXT), { op: 'flush' }, { op: 'waitEof' }];
  await connected(UNBUFFERED, steps, ({ cli, read_file }) => {
    const f = read_file as socket.SocketIO;
    cli.setblocking(false);
    assert.equal(f.readinto(Buffer.alloc(10)), null);
    assert.equal(f.read(MSG.length - 3), null);
    cli.send(Buffer.from('g')); // evt1: the writer may go
    let first: Buffer | null = null;
    for (let i = 0; i < 250 && first === null; i++) {
      first = f.read(MSG.length - 3);
      if (first === null) sleepSync(20);
    }
    assert.ok(first !== null, 'no data arrived');
    const buf = Buffer.alloc(10);
    const n = f.readinto(buf);
    assert.equal(n, 3);
    assert.deepEqual(Buffer.concat([first, buf.subarray(0, 3)]), MSG);
    assert.equal(f.readinto(Buffer.alloc(16)), null);
    assert.equal(f.read(1), null);
  });
});

test('test_socket: UnbufferedFileObjectClassTestCase.testWriteNonBlocking', async (t) => {
  const [cli, serv] = socket.socketpair();
  const servFd = serv.detach();
  try {
    const outcome = await runPeer('makefile', 'writeNonBlocking', [servFd]).done;
    if (outcome !== 'saturated') t.skip(String(outcome));
    else assert.equal(outcome, 'saturated');
  } finally {
    cli.close();
  }
});

// ---- GeneralModuleTests ------------------------------------------------------------

test('test_socket: GeneralModuleTests.test_makefile_mode', () => {
  for (const mode of ['r', 'rb', 'rw', 'w', 'wb']) {
    using sock = socket.socket();
    using fp = sock.makefile(mode, { encoding: mode.includes('b') ? null : 'utf-8' });
    assert.equal(fp.mode, mode);
  }
});

test('makefile: binary modes report the raw mode; text modes echo the caller (local)', () => {
  using sock = socket.socket();
  const cases: Array<[string, number | undefined, string]> = [
    ['rwb', undefined, 'rwb'], ['rwb', 0, 'rwb'], ['br', undefined, 'rb'], ['wrb', 0, 'rwb'], ['b', undefined, 'rb'],
    ['wr', undefined, 'wr'], ['', undefined, ''], ['rr', undefined, 'rr'],
  ];
  for (const [mode, buffering, expected] of cases) {
    using fp = sock.makefile(mode, buffering);
    assert.equal(fp.mode, expected, `mode ${JSON.stringify(mode)}`);
  }
});

test('test_socket: GeneralModuleTests.test_makefile_invalid_mode', () => {
  for (const mode of ['rt', 'x', '+', 'a']) {
    using sock = socket.socket();
    assert.throws(() => sock.makefile(mode), { name: 'RangeError', message: /invalid mode/ });
  }
  using sock = socket.socket();
  assert.throws(() => sock.makefile('rt'), { message: "invalid mode 'rt' (only r, w, b allowed)" });
});

test('test_socket: GeneralModuleTests.test_unusable_closed_socketio', () => {
  using sock = socket.socket();
  const fp = sock.makefile('rb', 0);
  assert.ok(fp instanceof socket.SocketIO);
  assert.equal(fp.readable(), true);
  assert.equal(fp.writable(), false);
  assert.equal(fp.seekable(), false);
  fp.close();
  for (const m of ['readable', 'writable', 'seekable'] as const) {
    assert.throws(() => fp[m](), { name: 'RangeError', message: 'I/O operation on closed socket.' });
  }
});

test('test_socket: GeneralModuleTests.test_name_closed_socketio', () => {
  using sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  const fp = sock.makefile('rb');
  fp.close();
  assert.equal(String(fp), '<BufferedReader name=-1>');
  assert.equal(fp.name, -1);
});

// ---- arguments (local) --------------------------------------------------------------

test('makefile: text mode with buffering 0 is refused and takes no reference (local)', () => {
  const sock = socket.socket();
  assert.throws(() => sock.makefile('r', 0), { name: 'RangeError', message: 'unbuffered streams must be binary' });
  assert.throws(() => sock.makefile('w', { buffering: 0 }), { message: 'unbuffered streams must be binary' });
  sock.close();
  assert.equal(sock.fileno(), -1, 'a refused makefile() must not keep the descriptor open');
});

test('makefile: the options object may replace trailing positionals (local)', () => {
  using sock = socket.socket();
  using a = sock.makefile('r', { encoding: 'latin-1' });
  assert.equal(a.encoding, 'latin-1');
  using b = sock.makefile({ encoding: 'ascii', errors: 'replace' });
  assert.equal(b.mode, 'r');
  assert.equal(b.errors, 'replace');
  using c = sock.makefile('rb', { buffering: 0 });
  assert.ok(c instanceof socket.SocketIO);
  using d = sock.makefile('w', 64, { newline: '\r\n' });
  assert.equal((d.buffer as socket.BufferedWriter).buffer_size, 64);
  assert.throws(() => sock.makefile('r', 8, { buffering: 8 }), { name: 'TypeError', message: /multiple values/ });
  assert.throws(() => sock.makefile('r', { encodng: 'utf-8' } as socket.MakefileOptions),
    { name: 'TypeError', message: "makefile() got an unexpected keyword argument 'encodng'" });
  assert.throws(() => sock.makefile('r', { encoding: 'bogus' }), { name: 'RangeError', message: 'unknown encoding: bogus' });
  assert.throws(() => sock.makefile('r', { errors: 'nope' }), { name: 'RangeError', message: /unknown error handler/ });
  assert.throws(() => sock.makefile('r', { newline: 'x' }), { name: 'RangeError', message: /illegal newline value/ });
  assert.throws(() => sock.makefile('r', { newline: 1 as unknown as string }), TypeError);
  assert.throws(() => sock.makefile('r', 1.5), TypeError);
  assert.throws(() => sock.makefile(7 as unknown as string), TypeError);
  // Binary mode ignores the text options, as CPython does (its tests pass them).
  using e = sock.makefile('rb', -1, { encoding: 'utf-8', errors: 'strict', newline: null });
  assert.ok(e instanceof socket.BufferedReader);
  sock.close();
});

test('makefile: the class follows mode and buffering (local)', () => {
  using sock = socket.socket();
  // These assignments are also the type-level check of MakefileResult.
  using raw: socket.SocketIO = sock.makefile('rb', 0);
  using reader: socket.BufferedReader = sock.makefile('rb');
  using writer: socket.BufferedWriter = sock.makefile('wb', 16);
  using pair: socket.BufferedRWPair = sock.makefile('rwb');
  using text: socket.TextIOWrapper = sock.makefile();
  using line: socket.TextIOWrapper = sock.makefile('w', 1);
  assert.ok(raw instanceof socket.SocketIO);
  assert.ok(reader instanceof socket.BufferedReader);
  assert.equal(reader.buffer_size, socket.DEFAULT_BUFFER_SIZE);
  assert.equal(reader.raw.mode, 'rb');
  assert.ok(writer instanceof socket.BufferedWriter);
  assert.equal(writer.buffer_size, 16);
  assert.ok(pair instanceof socket.BufferedRWPair);
  assert.equal(pair.mode, 'rwb');
  assert.ok(text instanceof socket.TextIOWrapper);
  assert.ok(text.buffer instanceof socket.BufferedReader);
  assert.equal(text.encoding, 'utf-8');
  assert.equal(text.line_buffering, false);
  assert.equal(line.line_buffering, true);
});

// ---- references on the socket (local, J 86) ------------------------------------------

test('makefile: the descriptor closes with the last file once the socket is closed (local)', () => {
  const [a, b] = socket.socketpair();
  const f1 = a.makefile('rb');
  const f2 = a.makefile('w');
  f1.close();
  assert.ok(a.fileno() >= 0, 'closing a file alone never closes the socket');
  const f3 = a.makefile('rb', 0);
  a.close();
  const fd = a.fileno();
  assert.ok(fd >= 0, 'open files keep the descriptor');
  assert.match(String(a), /\[closed\]/);
  f2.write('still works\n');
  f2.close();
  assert.deepEqual(b.recv(100), Buffer.from('still works\n'));
  assert.equal(a.fileno(), fd);
  f3.close();
  assert.equal(a.fileno(), -1, 'the last file really closed the socket');
  f3.close(); // idempotent
  b.close();
});

test('makefile: files close at the end of a using block (local)', () => {
  const [a, b] = socket.socketpair();
  let kept: socket.SocketFile;
  {
    using f = a.makefile('wb');
    kept = f;
    f.write(Buffer.from('xyz'));
  }
  assert.equal(kept.closed, true);
  assert.deepEqual(b.recv(10), Buffer.from('xyz'), 'close flushed the buffer');
  a.close();
  b.close();
});

// ---- the binary files (local) -----------------------------------------------------------

/** A pair whose far end already holds `data` and end of stream: no worker needed. */
function filled(data: Buffer | string, end = true): [socket.Socket, socket.Socket] {
  const [a, b] = socket.socketpair();
  b.sendall(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  if (end) b.shutdown(socket.SHUT_WR);
  return [a, b];
}

test('makefile: readline(limit), readlines(hint) and iteration, raw and buffered (local)', () => {
  for (const buffering of [0, 2, -1]) {
    const [a, b] = filled('one\ntwo\nthree\nfour');
    using f = a.makefile('rb', buffering);
    assert.deepEqual(f.readline(2), Buffer.from('on'));
    assert.deepEqual(f.readline(), Buffer.from('e\n'));
    assert.deepEqual(f.readlines(3), [Buffer.from('two\n')]);
    assert.deepEqual([...f].map(String), ['three\n', 'four']);
    assert.deepEqual(f.readline(), Buffer.alloc(0));
    a.close();
    b.close();
  }
});

test('makefile: BufferedReader peek/read1/readinto1 make at most one recv (local, as python3)', () => {
  const [a, b] = filled('0123456789');
  using r = a.makefile('rb', 4) as socket.BufferedReader;
  // python3: b'0123' b'01' b'23' b'4567' b'4567' 2 b'' b''
  assert.equal(String(r.peek(1)), '0123');
  assert.equal(String(r.read1(2)), '01');
  assert.equal(String(r.read1()), '23');
  assert.equal(String(r.peek()), '4567');
  assert.equal(String(r.read1(100)), '4567');
  assert.equal(r.readinto1(Buffer.alloc(3)), 2);
  assert.equal(r.read()!.length, 0);
  assert.equal(r.read1().length, 0);
  a.close();
  b.close();
});

test('makefile: BufferedReader read(n) and readinto wait for all bytes across recvs (local)', async () => {
  const [a, b] = socket.socketpair();
  const fd = b.detach();
  const steps: Step[] = [];
  for (const piece of ['abc', 'defgh', 'ijklmnopqrstuvwxyz']) steps.push({ op: 'sendRaw', hex: Buffer.from(piece).toString('hex') }, { op: 'sleep', ms: 15 });
  const peer = runPeer('makefile', 'writer', [fd, 'wb', 0, {}, steps]);
  try {
    using r = a.makefile('rb', 4);
    assert.equal(String(r.read(10)), 'abcdefghij');
    const buf = Buffer.alloc(12);
    assert.equal(r.readinto(buf), 12);
    assert.equal(String(buf), 'klmnopqrstuv');
    assert.equal(String(r.read()), 'wxyz');
  } finally {
    a.close();
    await peer.done;
  }
});

test('makefile: unsupported operations and closed files (local, messages as python3)', () => {
  using sock = socket.socket();
  const r = sock.makefile('rb');
  const w = sock.makefile('wb');
  const t = sock.makefile('w');
  assert.throws(() => r.write(Buffer.from('x')), (e: unknown) => e instanceof socket.UnsupportedOperation &&
    e instanceof socket.OSError && e.message === 'write');
  assert.throws(() => w.read(), { name: 'UnsupportedOperation', message: 'read' });
  assert.throws(() => t.read(), { name: 'UnsupportedOperation', message: 'not readable' });
  assert.throws(() => t.write(Buffer.from('x') as unknown as string),
    { name: 'TypeError', message: 'write() argument must be str, not Buffer' });
  assert.throws(() => w.write('x' as unknown as Buffer), { name: 'TypeError', message: /a bytes-like object is required, not 'str'/ });
  r.close();
  w.close();
  t.close();
  assert.throws(() => r.read(), { name: 'RangeError', message: 'read of closed file' });
  assert.throws(() => r.readline(), { message: 'readline of closed file' });
  assert.throws(() => r.peek(), { message: 'peek of closed file' });
  assert.throws(() => r.fileno(), { message: 'I/O operation on closed file.' });
  assert.throws(() => w.write(Buffer.from('x')), { message: 'write to closed file' });
  assert.throws(() => w.flush(), { message: 'flush of closed file' });
  assert.throws(() => t.write('x'), { message: 'I/O operation on closed file.' });
  assert.throws(() => [...r], RangeError);
  assert.equal(String(t), "<TextIOWrapper name=-1 mode='w' encoding='utf-8'>");
});

test('makefile: a non-blocking BufferedWriter reports characters_written and loses nothing (local)', () => {
  const [a, b] = socket.socketpair();
  b.setblocking(false);
  const w = b.makefile('wb');
  let accepted = 0;
  let blocked: socket.PartialWriteError | null = null;
  for (let i = 0; i < 200 && blocked === null; i++) {
    try {
      accepted += w.write(Buffer.alloc(100_000, 0x78));
    } catch (e) {
      assert.ok(e instanceof socket.BlockingIOError);
      blocked = e as socket.PartialWriteError;
    }
  }
  assert.ok(blocked !== null, 'the socket never filled up');
  assert.equal(blocked.errno, osConstants.errno.EAGAIN);
  assert.equal(typeof blocked.characters_written, 'number');
  accepted += blocked.characters_written;
  // Drain in turns with flushing until the writer has sent everything.
  let got = 0;
  a.setblocking(false);
  for (let i = 0; i < 10_000; i++) {
    try {
      for (;;) got += a.recv(1 << 20).length;
    } catch (e) {
      assert.ok(e instanceof socket.BlockingIOError);
    }
    try {
      w.flush();
      break;
    } catch (e) {
      assert.ok(e instanceof socket.BlockingIOError);
    }
  }
  w.close();
  b.close();
  a.setblocking(true);
  for (let n = a.recv(1 << 20).length; n > 0; n = a.recv(1 << 20).length) got += n;
  assert.equal(got, accepted);
  a.close();
});

test('makefile: BufferedRWPair and text rw talk both ways (local)', () => {
  const [a, b] = socket.socketpair();
  using pa = a.makefile('rwb');
  using tb = b.makefile('rw', { newline: '' });
  pa.write(Buffer.from('ping\r\n'));
  pa.flush();
  assert.equal(tb.readline(), 'ping\r\n');
  tb.write('pong \u00e9\n');
  tb.flush();
  assert.equal(pa.readline().toString('utf8'), 'pong \u00e9\n');
  a.close();
  b.close();
});

// ---- the text layer (local, values from python3) -----------------------------------------

/** What python3's makefile('r', newline=...) gives for these bytes: readlines() and newlines. */
test('makefile: universal newlines and newline modes on read (local, as python3)', () => {
  const data = 'a\rb\r\nc\nd\r';
  const expected: Array<[string | null, string[], string | string[] | null]> = [
    [null, ['a\n', 'b\n', 'c\n', 'd\n'], ['\r', '\n', '\r\n']],
    ['', ['a\r', 'b\r\n', 'c\n', 'd\r'], ['\r', '\n', '\r\n']],
    ['\n', ['a\rb\r\n', 'c\n', 'd\r'], null],
    ['\r', ['a\r', 'b\r', '\nc\nd\r'], null],
    ['\r\n', ['a\rb\r\n', 'c\nd\r'], null],
  ];
  for (const [newline, lines, newlines] of expected) {
    const [a, b] = filled(data);
    using f = a.makefile('r', { newline });
    assert.deepEqual(f.readlines(), lines, `newline ${JSON.stringify(newline)}`);
    assert.deepEqual(f.newlines, newlines);
    a.close();
    b.close();
  }
});

test('makefile: newline translation on write (local, as python3)', () => {
  const expected: Array<[string | null, string]> = [
    [null, 'x\ny\r\nz'], ['', 'x\ny\r\nz'], ['\n', 'x\ny\r\nz'], ['\r', 'x\ry\r\rz'], ['\r\n', 'x\r\ny\r\r\nz'],
  ];
  for (const [newline, bytes] of expected) {
    const [a, b] = socket.socketpair();
    const f = b.makefile('w', { newline });
    assert.equal(f.write('x\ny\r\nz'), 6);
    f.close();
    assert.equal(a.recv(100).toString('latin1'), bytes, `newline ${JSON.stringify(newline)}`);
    a.close();
    b.close();
  }
});

test('makefile: a \\r at the end of a chunk waits for a possible \\n (local)', () => {
  const [a, b] = socket.socketpair();
  using f = a.makefile('r');
  b.sendall(Buffer.from('a\r'));
  assert.equal(f.read(1), 'a');
  b.sendall(Buffer.from('\nb\n'));
  assert.equal(f.readline(), '\n', '\\r\\n split across recvs is one newline');
  assert.equal(f.readline(), 'b\n');
  assert.deepEqual(f.newlines, ['\n', '\r\n']); // python3: ('\n', '\r\n')
  a.close();
  b.close();
});

test('makefile: a character split across recvs decodes whole (local)', () => {
  const [a, b] = socket.socketpair();
  using f = a.makefile('r');
  b.sendall(Buffer.from([0x61, 0x62, 0xe1]));
  assert.equal(f.read(2), 'ab');
  b.sendall(Buffer.from([0x88, 0xb4, 0x63, 0x64]));
  assert.equal(f.read(3), '\u1234cd');
  b.sendall(Buffer.from([0xf0, 0x9f]));
  b.sendall(Buffer.from([0x98, 0x80, 0x0a]));
  assert.equal(f.readline(), '\u{1f600}\n');
  b.sendall(Buffer.from([0x78, 0xe1, 0x88]));
  b.shutdown(socket.SHUT_WR);
  assert.throws(() => f.read(), {
    name: 'UnicodeDecodeError',
    message: "'utf-8' codec can't decode bytes in position 0-1: unexpected end of data",
  });
  a.close();
  b.close();
});

test('makefile: decoding with error handlers (local, as python3)', () => {
  const cases: Array<[string, string, number[], string]> = [
    ['ascii', 'strict', [0x61, 0x62, 0xff], "'ascii' codec can't decode byte 0xff in position 2: ordinal not in range(128)"],
    ['ascii', 'replace', [0x61, 0xff, 0xfe, 0x62], 'a\ufffd\ufffdb'],
    ['ascii', 'surrogateescape', [0x61, 0xff], 'a\udcff'],
    ['utf-8', 'replace', [0x61, 0xe0, 0x80, 0x62, 0xf0, 0x9f, 0x98], 'a\ufffd\ufffdb\ufffd'],
    ['utf-8', 'ignore', [0x61, 0xff, 0x62], 'ab'],
    ['utf-8', 'surrogateescape', [0x61, 0xff, 0xe1, 0x88], 'a\udcff\udce1\udc88'],
    ['utf-8', 'backslashreplace', [0x61, 0xff, 0x62], 'a\\xffb'],
    ['latin-1', 'strict', [0xe9, 0xff], '\u00e9\u00ff'],
    ['utf-8', 'strict', [0x61, 0xe1, 0x41], "'utf-8' codec can't decode byte 0xe1 in position 1: invalid continuation byte"],
  ];
  for (const [encoding, errors, bytes, want] of cases) {
    const [a, b] = filled(Buffer.from(bytes));
    using f = a.makefile('r', { encoding, errors });
    if (want.startsWith("'")) {
      assert.throws(() => f.read(), (e: unknown) => e instanceof socket.UnicodeDecodeError && e instanceof RangeError &&
        e.message === want);
    } else {
      assert.equal(f.read(), want, `${encoding}/${errors}`);
    }
    a.close();
    b.close();
  }
});

test('makefile: encoding with error handlers (local, as python3)', () => {
  const cases: Array<[string, string, string, string]> = [
    ['ascii', 'strict', 'a\u00e9', "'ascii' codec can't encode character '\\xe9' in position 1: ordinal not in range(128)"],
    ['ascii', 'strict', 'a\u00e9\u1234b', "'ascii' codec can't encode characters in position 1-2: ordinal not in range(128)"],
    ['ascii', 'strict', '\u{1f600}', "'ascii' codec can't encode character '\\U0001f600' in position 0: ordinal not in range(128)"],
    ['ascii', 'replace', 'a\u00e9\u{1f600}b', '613f3f62'],
    ['latin-1', 'strict', '\u1234', "'latin-1' codec can't encode character '\\u1234' in position 0: ordinal not in range(256)"],
    ['latin-1', 'backslashreplace', 'a\u1234\u{1f600}', Buffer.from('a\\u1234\\U0001f600').toString('hex')],
    ['utf-8', 'strict', 'a\udc80', "'utf-8' codec can't encode character '\\udc80' in position 1: surrogates not allowed"],
    ['utf-8', 'surrogateescape', 'a\udcff', '61ff'],
    ['ascii', 'surrogateescape', 'a\udcff', '61ff'],
    ['utf-8', 'replace', 'a\udc80\udc81b', '613f3f62'],
    ['latin-1', 'strict', 'caf\u00e9', '636166e9'],
  ];
  for (const [encoding, errors, text, want] of cases) {
    const [a, b] = socket.socketpair();
    const f = b.makefile('w', { encoding, errors });
    if (want.startsWith("'")) {
      assert.throws(() => f.write(text), (e: unknown) => e instanceof socket.UnicodeEncodeError && e.message === want);
      f.close();
    } else {
      f.write(text);
      f.close();
      assert.equal(a.recv(100).toString('hex'), want, `${encoding}/${errors}`);
    }
    a.close();
    b.close();
  }
});

test('makefile: text writes stay buffered until flush, or a newline when line-buffered (local)', () => {
  const [a, b] = socket.socketpair();
  a.setblocking(false);
  const plain = b.makefile('w', 1_000_000);
  plain.write('no newline yet\n');
  assert.throws(() => a.recv(100), socket.BlockingIOError);
  plain.flush();
  assert.equal(a.recv(100).toString(), 'no newline yet\n');
  const line = b.makefile('w', 1);
  line.write('partial');
  assert.throws(() => a.recv(100), socket.BlockingIOError);
  // As in Python, a write holding a newline flushes all of itself.
  line.write(' line\nmore');
  assert.equal(a.recv(100).toString(), 'partial line\nmore');
  line.write('!');
  assert.throws(() => a.recv(100), socket.BlockingIOError);
  line.close();
  assert.equal(a.recv(100).toString(), '!');
  plain.close();
  a.close();
  b.close();
});

test('makefile: text read on a non-blocking socket returns what is there (local)', () => {
  const [a, b] = socket.socketpair();
  using f = a.makefile('r');
  a.setblocking(false);
  assert.equal(f.read(5), '');
  assert.equal(f.readline(), '');
  b.sendall(Buffer.from([0x61, 0xe1, 0x88]));
  assert.equal(f.read(), 'a', 'the partial character waits, it is not an error');
  b.sendall(Buffer.from([0xb4, 0x0a]));
  assert.equal(f.readline(), '\u1234\n');
  a.close();
  b.close();
});

test('makefile: text readline across many recvs, with limits and split terminators (local)', async () => {
  // TextIOWrapper reads 8192 bytes per recv: put line ends across that boundary.
  const long = 'y'.repeat(50_000);
  for (const newline of [null, '', '\n', '\r', '\r\n']) {
    const term = newline === null || newline === '' ? '\r\n' : newline;
    const first = `${'x'.repeat(8191)}${term}`;
    // More than a socket buffer holds: a worker sends it while this thread reads.
    const [a, b] = socket.socketpair();
    const data = Buffer.from(`${first}${long}${term}${long}${term}end`, 'latin1').toString('hex');
    const peer = runPeer('makefile', 'writer', [b.detach(), 'wb', 0, {}, [{ op: 'sendRaw', hex: data }]]);
    using f = a.makefile('r', { newline });
    const t = newline === null ? '\n' : term;
    assert.equal(f.readline(), `${'x'.repeat(8191)}${t}`, `newline ${JSON.stringify(newline)}`);
    assert.equal(f.readline(), `${long}${t}`);
    assert.equal(f.readline(20_000), 'y'.repeat(20_000));
    assert.equal(f.readline(30_000 + t.length), `${'y'.repeat(30_000)}${t}`);
    assert.equal(f.readline(), 'end');
    assert.equal(f.readline(), '');
    a.close();
    await peer.done;
  }
});
