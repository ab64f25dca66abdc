/**
 * Descriptor passing (CPython test_socket: SCMRightsTest through
 * RecvmsgSCMRightsStreamTest and RecvmsgIntoSCMRightsStreamTest,
 * SendRecvFdsTests), interoperation with a python3 process in both
 * directions, and the leak rules: received descriptors are close-on-exec,
 * and descriptors the kernel drops on MSG_CTRUNC are never installed.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, readlinkSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import {
  MSG, SIZEOF_INT, type DoRecvmsg, type Pair, checkFlags, transports, viaRecvmsg, viaRecvmsgInto,
} from './peers/messages-common.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bsd-socket-fds-'));
// Files of this test count as leaks too, not only sockets and pipes.
checkNoLeaks(['socket:', 'pipe:', dir]);
test.after(() => rmSync(dir, { recursive: true, force: true }));

const unix = transports.find((t) => t.name === 'UnixStream')!;
const BADFD = -0x5555;
let fileSeq = 0;

/** n descriptors of new files holding their index as ASCII (CPython's newFDs). */
function newFDs(n: number, cleanup: number[]): number[] {
  const fds: number[] = [];
  for (let i = 0; i < n; i++) {
    const fd = openSync(path.join(dir, `f${fileSeq++}`), 'w+');
    writeSync(fd, String(i));
    cleanup.push(fd);
    fds.push(fd);
  }
  return fds;
}

function checkFDs(fds: number[]): void {
  fds.forEach((fd, n) => {
    const b = Buffer.alloc(1024);
    const r = readSync(fd, b, 0, 1024, 0);
    assert.equal(b.subarray(0, r).toString(), String(n));
  });
}

/** Descriptors of this process open on files of this test. */
function openTestFiles(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${name}`).startsWith(dir)) out.push(Number(name));
    } catch { /* the listing's own descriptor */ }
  }
  return out;
}

function isCloexec(fd: number): boolean {
  const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  const flags = /flags:\s+([0-7]+)/.exec(info);
  return flags !== null && (parseInt(flags[1]!, 8) & 0o2000000) !== 0;
}

function intArray(fds: number[]): Int32Array {
  return Int32Array.from(fds);
}

interface Ctx {
  p: Pair;
  sent: number[];
  received: number[];
}

/**
 * Runs one SCMRightsTest body: the sender's descriptors and every descriptor
 * received are closed afterwards, and then no descriptor on this test's files
 * may remain (the kernel installed nothing we were not told about).
 */
function scm(body: (c: Ctx) => void): () => void {
  return () => {
    const p = unix.make();
    const c: Ctx = { p, sent: [], received: [] };
    try {
      p.serv.settimeout(10);
      body(c);
    } finally {
      for (const fd of c.sent) closeSync(fd);
      for (const fd of c.received) closeSync(fd);
      p.close();
    }
    assert.deepEqual(openTestFiles(), [], 'a descriptor the kernel passed was not reported');
  };
}

/** recvmsg[_into] that registers the received descriptors for closing. */
function recv(c: Ctx, doRecvmsg: DoRecvmsg, bufsize: number, ...args: number[]): socket.RecvmsgResult {
  const r = doRecvmsg(c.p.serv, bufsize, ...args);
  c.received.push(...socket.ancillary.fdsOf(r[1]));
  return r;
}

function createAndSendFDs(c: Ctx, n: number): void {
  assert.equal(c.p.sendmsgToServer([MSG], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, intArray(newFDs(n, c.sent))]]), MSG.length);
}

function checkRecvmsgFDs(numfds: number, result: socket.RecvmsgResult, maxcmsgs = 1, ignoreflags = 0): void {
  const [msg, anc, flags] = result;
  assert.deepEqual(msg, MSG);
  checkFlags(unix, flags, { eor: true, checkunset: socket.MSG_CTRUNC, ignore: ignoreflags });
  assert.ok(Array.isArray(anc));
  assert.ok(anc.length <= maxcmsgs);
  const fds: number[] = [];
  for (const item of anc) {
    assert.ok(Array.isArray(item) && item.length === 3);
    const [level, type, data] = item;
    assert.equal(level, socket.SOL_SOCKET);
    assert.equal(type, socket.SCM_RIGHTS);
    assert.ok(Buffer.isBuffer(data));
    assert.equal(data.length % SIZEOF_INT, 0);
    fds.push(...socket.ancillary.decodeFds(data));
  }
  assert.equal(fds.length, numfds);
  checkFDs(fds);
  for (const fd of fds) assert.ok(isCloexec(fd), `received fd ${fd} is not close-on-exec`);
}

/** Sends with ancillary data, or without it if the kernel refuses the items. */
function sendAncillaryIfPossible(c: Ctx, anc: unknown[]): void {
  let n: number;
  try {
    n = c.p.sendmsgToServer([MSG], anc);
  } catch (e) {
    assert.ok(e instanceof socket.OSError && typeof e.errno === 'number', String(e));
    n = c.p.sendmsgToServer([MSG]);
  }
  assert.equal(n, MSG.length);
}

const methods: Array<[string, DoRecvmsg]> = [['Recvmsg', viaRecvmsg], ['RecvmsgInto', viaRecvmsgInto]];
const skip = unix.skip() ?? false;

for (const [prefix, doRecvmsg] of methods) {
  const cls = `${prefix}SCMRightsStreamTest`;
  const name = (m: string, what: string): string => `${what} (test_socket: ${cls}.${m})`;
  const L = socket.CMSG_LEN;
  const S = socket.CMSG_SPACE;

  test(name('testFDPassSimple', 'passes one descriptor given as raw bytes'), { skip }, scm((c) => {
    const fds = intArray(newFDs(1, c.sent));
    assert.equal(c.p.sendmsgToServer([MSG], [[socket.SOL_SOCKET, socket.SCM_RIGHTS, Buffer.from(fds.buffer)]]), MSG.length);
    checkRecvmsgFDs(1, recv(c, doRecvmsg, MSG.length, 10240));
  }));

  test(name('testMultipleFDPass', 'passes four descriptors in one array'), { skip }, scm((c) => {
    createAndSendFDs(c, 4);
    checkRecvmsgFDs(4, recv(c, doRecvmsg, MSG.length, 10240));
  }));

  test(name('testFDPassCMSG_SPACE', 'receives four into CMSG_SPACE(4 ints)'), { skip }, scm((c) => {
    createAndSendFDs(c, 4);
    checkRecvmsgFDs(4, recv(c, doRecvmsg, MSG.length, S(4 * SIZEOF_INT)));
  }));

  test(name('testFDPassCMSG_LEN', 'receives one into CMSG_LEN(4 ints)'), { skip }, scm((c) => {
    createAndSendFDs(c, 1);
    checkRecvmsgFDs(1, recv(c, doRecvmsg, MSG.length, L(4 * SIZEOF_INT)), 1, socket.MSG_CTRUNC);
  }));

  const sendSeparate = (c: Ctx): void => {
    const [fd0, fd1] = newFDs(2, c.sent);
    assert.equal(c.p.sendmsgToServer([MSG], [
      [socket.SOL_SOCKET, socket.SCM_RIGHTS, intArray([fd0!])],
      [socket.SOL_SOCKET, socket.SCM_RIGHTS, intArray([fd1!])],
    ]), MSG.length);
  };

  test(name('testFDPassSeparate', 'passes two arrays (the kernel may merge them)'), { skip }, scm((c) => {
    sendSeparate(c);
    checkRecvmsgFDs(2, recv(c, doRecvmsg, MSG.length, 10240), 2);
  }));

  test(name('testFDPassSeparateMinSpace', 'passes two arrays into the minimum space'), { skip }, scm((c) => {
    sendSeparate(c);
    checkRecvmsgFDs(2, recv(c, doRecvmsg, MSG.length, S(SIZEOF_INT) + L(2 * SIZEOF_INT)), 2, socket.MSG_CTRUNC);
  }));

  test(name('testFDPassEmpty', 'an empty descriptor array yields no descriptors'), { skip }, scm((c) => {
    sendAncillaryIfPossible(c, [[socket.SOL_SOCKET, socket.SCM_RIGHTS, Buffer.alloc(0)]]);
    checkRecvmsgFDs(0, recv(c, doRecvmsg, MSG.length, 10240), 1, socket.MSG_CTRUNC);
  }));

  test(name('testFDPassPartialInt', 'a truncated descriptor array yields no whole descriptor'), { skip }, scm((c) => {
    sendAncillaryIfPossible(c, [[socket.SOL_SOCKET, socket.SCM_RIGHTS, Buffer.from(intArray([BADFD]).buffer).subarray(0, 3)]]);
    const [msg, anc, flags] = recv(c, doRecvmsg, MSG.length, 10240);
    assert.deepEqual(msg, MSG);
    checkFlags(unix, flags, { eor: true, ignore: socket.MSG_CTRUNC });
    assert.ok(anc.length <= 1);
    for (const [level, type, data] of anc) {
      assert.equal(level, socket.SOL_SOCKET);
      assert.equal(type, socket.SCM_RIGHTS);
      assert.ok(data.length < SIZEOF_INT);
    }
  }));

  test(name('testFDPassPartialIntInMiddle', 'a truncated array then a good one'), { skip }, scm((c) => {
    const [fd0, fd1] = newFDs(2, c.sent);
    sendAncillaryIfPossible(c, [
      [socket.SOL_SOCKET, socket.SCM_RIGHTS, Buffer.from(intArray([fd0!, BADFD]).buffer).subarray(0, 7)],
      [socket.SOL_SOCKET, socket.SCM_RIGHTS, intArray([fd1!])],
    ]);
    const [msg, anc, flags] = recv(c, doRecvmsg, MSG.length, 10240);
    assert.deepEqual(msg, MSG);
    checkFlags(unix, flags, { eor: true, ignore: socket.MSG_CTRUNC });
    assert.ok(anc.length <= 2);
    const fds = socket.ancillary.fdsOf(anc);
    assert.ok(fds.length <= 2);
    checkFDs(fds);
  }));

  // Truncated inside the header: no item, MSG_CTRUNC, and the dropped fds never installed.
  const truncHeader = (m: string, what: string, n: number, args: number[], ignore: number): void => {
    test(name(m, what), { skip }, scm((c) => {
      createAndSendFDs(c, n);
      const [msg, anc, flags] = recv(c, doRecvmsg, MSG.length, ...args);
      assert.deepEqual(msg, MSG);
      assert.deepEqual(anc, []);
      checkFlags(unix, flags, { eor: true, checkset: socket.MSG_CTRUNC, ignore });
      assert.deepEqual(openTestFiles().sort(), [...c.sent].sort(), 'only the sender\'s descriptors are open');
    }));
  };
  truncHeader('testCmsgTruncNoBufSize', 'no ancillary buffer: no descriptors', 1, [], socket.MSG_CTRUNC);
  truncHeader('testCmsgTrunc0', 'ancillary buffer 0: no descriptors', 1, [0], socket.MSG_CTRUNC);
  truncHeader('testCmsgTrunc1', 'ancillary buffer 1: no descriptors, MSG_CTRUNC', 1, [1], 0);
  truncHeader('testCmsgTrunc2Int', 'ancillary buffer of 2 ints: no descriptors, MSG_CTRUNC', 1, [2 * SIZEOF_INT], 0);
  truncHeader('testCmsgTruncLen0Minus1', 'ancillary buffer CMSG_LEN(0) - 1: no descriptors', 1, [L(0) - 1], 0);

  // Truncated inside the array: at most the whole descriptors that fit.
  const truncArray = (m: string, what: string, n: number, ancbuf: number, maxdata: number): void => {
    test(name(m, what), { skip }, scm((c) => {
      createAndSendFDs(c, n);
      const [msg, anc, flags] = recv(c, doRecvmsg, MSG.length, ancbuf);
      assert.deepEqual(msg, MSG);
      checkFlags(unix, flags, { eor: true, checkset: socket.MSG_CTRUNC });
      if (anc.length > 0) {
        assert.equal(anc.length, 1);
        const [level, type, data] = anc[0]!;
        assert.equal(level, socket.SOL_SOCKET);
        assert.equal(type, socket.SCM_RIGHTS);
        assert.ok(data.length <= maxdata);
        checkFDs(socket.ancillary.decodeFds(data));
      }
      // Linux delivers whole descriptors only; the rest were closed by the kernel.
      const got = socket.ancillary.fdsOf(anc);
      assert.equal(openTestFiles().length, c.sent.length + got.length);
    }));
  };
  truncArray('testCmsgTruncLen0', 'room CMSG_LEN(0): no descriptor', 1, L(0), 0);
  truncArray('testCmsgTruncLen0Plus1', 'room CMSG_LEN(0) + 1: no descriptor', 2, L(0) + 1, 1);
  truncArray('testCmsgTruncLen1', 'room CMSG_LEN(1 int): one descriptor', 2, L(SIZEOF_INT), SIZEOF_INT);
  truncArray('testCmsgTruncLen2Minus1', 'room CMSG_LEN(2 ints) - 1: one descriptor', 2, L(2 * SIZEOF_INT) - 1, 2 * SIZEOF_INT - 1);
}

// ---- SendRecvFdsTests and bad input -------------------------------------------------------

test('send_fds/recv_fds pass ten pipe descriptors (test_socket: SendRecvFdsTests.testSendAndRecvFds)', () => {
  const [a, b] = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM);
  const pipes: number[][] = [];
  let fds2: number[] = [];
  try {
    b.settimeout(10);
    // Node has no pipe(2) call: stream socketpairs stand in for CPython's os.pipe() pairs.
    for (let i = 0; i < 5; i++) {
      const [r, w] = socket.socketpair();
      pipes.push([r.detach(), w.detach()]);
    }
    const fds = pipes.flat();
    const data = Buffer.from('data');
    assert.equal(socket.send_fds(a, [data], fds), data.length);
    const [msg, got, flags, addr] = socket.recv_fds(b, 1024, fds.length);
    fds2 = got;
    assert.deepEqual(msg, data);
    assert.equal(fds2.length, fds.length);
    assert.equal(flags, 0);
    assert.ok(addr === null || addr === '' || Buffer.isBuffer(addr));
    // Each received pair still talks to its original partner.
    for (let i = 0; i < 5; i++) {
      const w = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, fds2[2 * i + 1]);
      const r = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, pipes[i]![0]);
      w.send(Buffer.from(String(i)));
      assert.equal(r.recv(10).toString(), String(i));
      w.detach();
      r.detach();
    }
  } finally {
    for (const fd of [...pipes.flat(), ...fds2]) socket.close(fd);
    a.close();
    b.close();
  }
});

test('send_fds refuses non-integers and invalid descriptors before anything is sent', () => {
  const [a, b] = socket.socketpair();
  try {
    assert.throws(() => socket.send_fds(a, [MSG], ['3' as unknown as number]), TypeError);
    assert.throws(() => socket.send_fds(a, [MSG], 3 as unknown as number[]), TypeError);
    assert.throws(() => socket.send_fds(a, [MSG], [2 ** 40]), RangeError);
    assert.throws(() => socket.send_fds(a, MSG as unknown as Buffer[], [0]), TypeError);
    const closed = socket.socket();
    const fd = closed.fileno();
    closed.close();
    assert.throws(() => socket.send_fds(a, [MSG], [fd]), (e: unknown) => e instanceof socket.OSError && e.code === 'EBADF');
    assert.throws(() => socket.recv_fds(b, -1, 1), RangeError);
    assert.throws(() => socket.recv_fds(b, 10, -1), RangeError);
    b.setblocking(false);
    assert.throws(() => b.recv(100), socket.BlockingIOError, 'nothing was sent');
  } finally {
    a.close();
    b.close();
  }
});

test('recv_fds with room for fewer descriptors than sent reports MSG_CTRUNC and installs only those', scm((c) => {
  createAndSendFDs(c, 3);
  const [msg, fds, flags] = socket.recv_fds(c.p.serv, MSG.length, 1);
  c.received.push(...fds);
  assert.deepEqual(msg, MSG);
  assert.equal(fds.length, 1);
  assert.ok(flags & socket.MSG_CTRUNC);
  checkFDs(fds);
  assert.equal(openTestFiles().length, c.sent.length + 1);
}));

// ---- interoperation with python3 ---------------------------------------------------------------

/** Runs a python3 program with `fd` as its descriptor 3; resolves with its stdout. */
function python(code: string, fd: number): Promise<string> {
  const child = spawn('python3', ['-c', code], { stdio: ['ignore', 'pipe', 'pipe', fd] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('python3 did not finish')); }, 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`python3 exited ${String(code)}: ${err}`));
    });
  });
}

test('descriptors pass from bsd-socket to a python3 process (socket.recv_fds there)', async () => {
  const [a, b] = socket.socketpair();
  const mine: number[] = [];
  try {
    const fds = newFDs(3, mine);
    const done = python(`
import socket, os, json
s = socket.socket(fileno=3)
msg, fds, flags, addr = socket.recv_fds(s, 100, 8)
out = []
for fd in fds:
    os.lseek(fd, 0, os.SEEK_SET)
    out.append(os.read(fd, 100).decode())
    os.close(fd)
print(json.dumps({"msg": msg.decode(), "contents": out, "flags": flags}))
`, b.fileno());
    b.close();
    assert.equal(socket.send_fds(a, [Buffer.from('from node')], fds), 9);
    const res = JSON.parse(await done) as { msg: string; contents: string[]; flags: number };
    assert.deepEqual(res, { msg: 'from node', contents: ['0', '1', '2'], flags: 0 });
  } finally {
    for (const fd of mine) closeSync(fd);
    a.close();
    b.close();
  }
});

test('descriptors pass from a python3 process to bsd-socket (socket.send_fds there)', async () => {
  const [a, b] = socket.socketpair();
  let got: number[] = [];
  try {
    const done = python(`
import socket, os, tempfile
s = socket.socket(fileno=3)
fds = []
for i in range(4):
    fd, p = tempfile.mkstemp(dir=${JSON.stringify(dir)})
    os.write(fd, b"py%d" % i)
    fds.append(fd)
r, w = os.pipe()
os.write(w, b"through a pipe")
os.close(w)
socket.send_fds(s, [b"from python"], fds + [r])
`, b.fileno());
    b.close();
    a.settimeout(20);
    const [msg, fds, flags] = socket.recv_fds(a, 100, 8);
    got = fds;
    await done;
    assert.equal(msg.toString(), 'from python');
    assert.equal(flags, 0);
    assert.equal(fds.length, 5);
    for (let i = 0; i < 4; i++) {
      const buf = Buffer.alloc(16);
      assert.equal(buf.subarray(0, readSync(fds[i]!, buf, 0, 16, 0)).toString(), `py${i}`);
      assert.ok(isCloexec(fds[i]!));
    }
    const buf = Buffer.alloc(64);
    assert.equal(buf.subarray(0, readSync(fds[4]!, buf, 0, 64, null)).toString(), 'through a pipe');
  } finally {
    for (const fd of got) closeSync(fd);
    a.close();
    b.close();
  }
});
