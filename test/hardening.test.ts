/**
 * Regression tests for the sanitizer and valgrind findings (docs/hardening.md).
 * Each would fail without its fix: the getsockopt ones in any build, the
 * empty-buffer ones under `npm run test:sanitize`, where UBSan aborts the
 * process on a null pointer passed to memcpy (an empty buffer may have no
 * memory at all).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';
import { python } from './helpers/python.js';

checkNoLeaks();

// The addon the library loads (BSD_SOCKET_NATIVE names the sanitizer build).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const addon: any = createRequire(import.meta.url)(process.env['BSD_SOCKET_NATIVE'] ?? '../../build/Release/bsd_socket.node');

const netlinkSkip = skipReason(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
const RTNLGRP_LINK = 1;

/** A NETLINK_ROUTE socket in RTNLGRP_LINK: its membership list needs 8 bytes on Linux. */
function memberSocket(): socket.Socket {
  const s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
  s.bind([0, 0]);
  s.setsockopt(socket.SOL_NETLINK, socket.NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK);
  return s;
}

/** What python3 gets for the same option: the length it returns (the kernel's) per buflen. */
function pythonListLengths(buflens: number[]): number[] {
  return python<number[]>(`
import socket, json
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.bind((0, 0))
# python3's socket module lacks the SOL_NETLINK names: the numbers are ours.
s.setsockopt(${socket.SOL_NETLINK}, ${socket.NETLINK_ADD_MEMBERSHIP}, ${RTNLGRP_LINK})
print(json.dumps([len(s.getsockopt(${socket.SOL_NETLINK}, ${socket.NETLINK_LIST_MEMBERSHIPS}, n)) for n in ${JSON.stringify(buflens)}]))
s.close()`);
}

test('native getsockopt never reports more bytes than its buffer holds; the kernel\'s length comes back apart', { skip: netlinkSkip ?? false }, () => {
  using s = memberSocket();
  // A 4-byte window in a larger buffer filled with a marker: the kernel may
  // write only the window, and the call may claim only the window.
  const backing = new Uint8Array(16).fill(0xa5);
  const window = backing.subarray(4, 8);
  const reported = new Uint32Array(1);
  const n = addon.getsockopt(s.fileno(), socket.SOL_NETLINK, socket.NETLINK_LIST_MEMBERSHIPS, window, reported);
  const needed = pythonListLengths([4])[0]!;
  assert.ok(needed > 4, `the kernel reports ${needed} bytes for the membership list`);
  assert.equal(n, 4, 'the written length, not the kernel\'s');
  assert.equal(reported[0], needed, 'the kernel\'s length, as python3 sees it');
  assert.equal(window[0]! & (1 << (RTNLGRP_LINK - 1)), 1 << (RTNLGRP_LINK - 1), 'the group bit was written');
  assert.deepEqual([...backing.subarray(0, 4)], [0xa5, 0xa5, 0xa5, 0xa5], 'nothing before the window');
  assert.deepEqual([...backing.subarray(8)], new Array(8).fill(0xa5), 'nothing after the window');
  // Without the optional output the result is the same.
  assert.equal(addon.getsockopt(s.fileno(), socket.SOL_NETLINK, socket.NETLINK_LIST_MEMBERSHIPS, window), 4);
  // A 1-byte buffer: the kernel writes whole 32-bit words, so none fits.
  assert.equal(addon.getsockopt(s.fileno(), socket.SOL_NETLINK, socket.NETLINK_LIST_MEMBERSHIPS, new Uint8Array(1)), 1);
});

test('getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, buflen): at most buflen bytes, truncation visible (Python returns the longer length)', { skip: netlinkSkip ?? false }, () => {
  using s = memberSocket();
  const buflens = [1, 4, 8, 64];
  const pyLengths = pythonListLengths(buflens);
  const needed = pyLengths[0]!;
  for (const [i, buflen] of buflens.entries()) {
    const v = s.getsockopt(socket.SOL_NETLINK, socket.NETLINK_LIST_MEMBERSHIPS, buflen) as socket.OptionBytes;
    assert.ok(Buffer.isBuffer(v));
    assert.equal(v.length, Math.min(buflen, needed), `buflen ${buflen}: only what fits`);
    assert.equal(v.optlen, needed, `buflen ${buflen}: the kernel's length`);
    assert.equal(v.truncated, buflen < needed, `buflen ${buflen}: truncated`);
    // Python's bytes are the kernel's length long, even past buflen.
    assert.equal(pyLengths[i], needed, `python3, buflen ${buflen}`);
    if (v.length >= 4) assert.equal(v.readUInt32LE(0) & 1, 1, 'group 1 is listed');
  }
  // A value that fits is not truncated, and its extra properties stay out of
  // comparisons (non-enumerable).
  const whole = s.getsockopt(socket.SOL_NETLINK, socket.NETLINK_LIST_MEMBERSHIPS, needed) as socket.OptionBytes;
  assert.equal(whole.truncated, false);
  assert.deepEqual(Object.keys(whole).filter((k) => !/^\d+$/.test(k)), []);
});

test('getsockopt of an option that fits reports its own length, not truncated (test_socket: testSetSockOpt bytes form)', () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  const v = s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 64) as socket.OptionBytes;
  assert.equal(v.length, 4);
  assert.equal(v.optlen, 4);
  assert.equal(v.truncated, false);
  assert.equal(v.readInt32LE(0), 1);
});

// ---- empty buffers: no memory behind them, never handed to memcpy ----------

const empties = (): Array<[string, Uint8Array | ArrayBuffer]> => [
  ['Buffer.alloc(0)', Buffer.alloc(0)],
  ['new Uint8Array(0)', new Uint8Array(0)],
  ['new ArrayBuffer(0)', new ArrayBuffer(0)],
];

test('if_nametoindex of an empty name is "no interface with this name", as Python\'s (test_socket: testInvalidInterfaceNameToIndex)', () => {
  const py = python<string>(`
import socket, json
try:
    socket.if_nametoindex(b'')
    print(json.dumps('ok'))
except OSError as e:
    print(json.dumps(str(e)))`);
  // Bytes-like views only: an ArrayBuffer is a TypeError, as Python's bytearray.
  for (const [label, name] of [['\'\'', ''] as const, ...empties().filter(([, b]) => ArrayBuffer.isView(b))]) {
    assert.throws(() => socket.if_nametoindex(name as string),
      (e: unknown) => e instanceof socket.OSError && e.message === py, label);
  }
});

test('AF_UNIX bind to an empty name autobinds (Linux), whatever kind of empty buffer names it (test_socket: testAutobind)', () => {
  for (const [label, name] of [['\'\'', ''] as const, ...empties()]) {
    using s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM);
    s.bind(name);
    const addr = s.getsockname() as Buffer;
    assert.ok(Buffer.isBuffer(addr), label);
    assert.equal(addr[0], 0, `${label}: an abstract name`);
    assert.equal(addr.length, 6, `${label}: five hex digits after the NUL`);
  }
});

test('name services take an empty bytes name as Python does: getaddrinfo, gethostbyname, gethostbyaddr (test_socket: testGetaddrinfo)', () => {
  const py = python<Record<string, unknown>>(`
import socket, json
def run(f):
    try:
        return ['ok', f()]
    except OSError as e:
        return [type(e).__name__, str(e)]
print(json.dumps({
  'getaddrinfo': run(lambda: [[a[0], a[1], a[2], a[3], list(a[4])] for a in socket.getaddrinfo(b'', 80)]),
  'gethostbyname': run(lambda: socket.gethostbyname(b'')),
  'gethostbyaddr': run(lambda: list(socket.gethostbyaddr(b''))),
  'service': run(lambda: [[a[0], a[1], a[2], a[3], list(a[4])] for a in socket.getaddrinfo('127.0.0.1', b'', socket.AF_INET, socket.SOCK_STREAM)]),
}))`);
  const run = (f: () => unknown): unknown => {
    try {
      return ['ok', f()];
    } catch (e) {
      return [(e as Error).constructor.name, (e as Error).message];
    }
  };
  for (const [label, empty] of empties().filter(([, b]) => ArrayBuffer.isView(b))) {
    const ours = {
      getaddrinfo: run(() => socket.getaddrinfo(empty as Buffer, 80).map((a) => [...a])),
      gethostbyname: run(() => socket.gethostbyname(empty as unknown as string)),
      gethostbyaddr: run(() => socket.gethostbyaddr(empty as unknown as string)),
      service: run(() => socket.getaddrinfo('127.0.0.1', empty as Buffer, socket.AF_INET, socket.SOCK_STREAM).map((a) => [...a])),
    };
    assert.deepEqual(JSON.parse(JSON.stringify(ours)), py, label);
  }
});

test('sethostname of an empty name empties the host name, in a private UTS namespace (test_socket: test_sethostname)', (t) => {
  // Never on the machine: only in a child inside its own UTS namespace.
  const probe = spawnSync('unshare', ['--uts', 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error !== undefined || probe.status !== 0) {
    t.skip('unshare --uts is not available (needs CAP_SYS_ADMIN or user namespaces)');
    return;
  }
  const r = spawnSync('unshare', ['--uts', process.execPath, '--input-type=module', '-e', `
    import * as socket from 'bsd-socket';
    const out = [];
    for (const empty of [Buffer.alloc(0), new Uint8Array(0), '']) {
      socket.sethostname('before');
      socket.sethostname(empty);
      out.push(socket.gethostname());
    }
    console.log(JSON.stringify(out));
  `], { encoding: 'utf8', timeout: 60_000, cwd: process.cwd() });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['', '', '']);
});

test('a worker that used the reactor and inet_pton6 ends cleanly: the addon releases its references with the environment', async () => {
  // Under `npm run test:valgrind` the references the addon held (the
  // reactor's dispatch, queue and control, its async context, inet_pton6's
  // scratch) were definite leaks at each environment's teardown.
  const code = `
    import { parentPort } from 'node:worker_threads';
    const socket = await import(${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)});
    const [a, b] = socket.socketpair();
    const pending = a.async.recv(16);
    b.send(Buffer.from('ping'));
    const got = (await pending).toString();
    a.close(); b.close();
    parentPort.postMessage([got, socket.inet_pton(socket.AF_INET6, '::1').length]);
  `;
  const w = new Worker(code, { eval: true });
  const [message, exitCode] = await Promise.all([
    new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); }),
    new Promise((resolve) => w.once('exit', resolve)),
  ]);
  assert.deepEqual(message, ['ping', 16]);
  assert.equal(exitCode, 0);
});

test('empty datagrams through the framed calls: sendto and recvfrom_into of empty buffers (test_socket: testRecvFromIntoEmptyBuffer)', () => {
  // sendto/recvfrom take their buffer window through the call frame; an empty
  // buffer's pointer is NULL, and NULL + 0 was computed for it.
  const py = python<[number, number]>(`
import socket, json
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(('127.0.0.1', 0))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(('127.0.0.1', 0))
sent = a.sendto(b'', b.getsockname())
n, addr = b.recvfrom_into(bytearray(0))
print(json.dumps([sent, n]))`);
  for (const [label, empty] of empties().filter(([, e]) => ArrayBuffer.isView(e))) {
    using a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    using b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
    a.bind(['127.0.0.1', 0]);
    b.bind(['127.0.0.1', 0]);
    b.settimeout(10);
    const sent = a.sendto(empty as Buffer, b.getsockname());
    const [n, from] = b.recvfrom_into(empty as Buffer);
    assert.deepEqual([sent, n], py, label);
    assert.deepEqual(from, a.getsockname(), label);
  }
});
