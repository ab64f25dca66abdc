/**
 * Corner cases where an audit against python3 found bsd-socket answering
 * differently, each checked here against python3 on this machine (the oracle):
 * a NUL inside a host name, connect_ex on a closed socket, reads of zero
 * bytes, getsockopt's buflen 0, fromfd of a negative descriptor, timeouts
 * kept as whole nanoseconds, OSError(errno, strerror) choosing its subclass,
 * create_connection's address unpacking, arguments checked before the
 * descriptor, and twins called with MSG_DONTWAIT or MSG_ERRQUEUE. CPython's suite has no test of its own for these;
 * the behaviour is Modules/socketmodule.c's and Python/pytime.c's.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { closeAll } from './helpers/core.js';
import { python } from './helpers/python.js';

checkNoLeaks();

interface Outcome { ok?: unknown; err?: string; errno?: number | null; message?: string }

function outcome(fn: () => unknown): Outcome {
  try {
    const v = fn();
    return { ok: Buffer.isBuffer(v) ? v.toString('latin1') : v };
  } catch (e) {
    return describe(e);
  }
}

async function outcomeAsync(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    const v = await fn();
    return { ok: Buffer.isBuffer(v) ? v.toString('latin1') : v };
  } catch (e) {
    return describe(e);
  }
}

function describe(e: unknown): Outcome {
  if (e instanceof socket.OSError) return { err: e.name, errno: e.errno, message: e.message };
  if (e instanceof Error) return { err: e.name, message: e.message };
  return { err: String(e) };
}

test('a NUL inside an AF_INET/AF_INET6 host is a TypeError, never a silently shortened host (socketmodule.c idna_converter)', async () => {
  const py = python<string[]>(`
import json, socket
out = []
def t(f):
    try:
        f(); out.append('ok')
    except Exception as e:
        out.append(type(e).__name__ + ': ' + str(e))
s4 = socket.socket(); s6 = socket.socket(socket.AF_INET6); u = socket.socket(type=socket.SOCK_DGRAM)
t(lambda: s4.bind(('127.0.0.1\\0junk', 0)))
t(lambda: s4.connect(('127.0.0.1\\0junk', 1)))
t(lambda: s4.connect_ex(('localhost\\0.example', 1)))
t(lambda: s6.bind(('::1\\0zz', 0)))
t(lambda: u.sendto(b'x', ('127.0.0.1\\0', 9)))
for s in (s4, s6, u): s.close()
print(json.dumps(out))`);
  const s4 = socket.socket();
  const s6 = socket.socket(socket.AF_INET6);
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const a4 = socket.socket();
  try {
    const ours = [
      outcome(() => s4.bind(['127.0.0.1\0junk', 0])),
      outcome(() => s4.connect(['127.0.0.1\0junk', 1])),
      outcome(() => s4.connect_ex(['localhost\0.example', 1])),
      outcome(() => s6.bind(['::1\0zz', 0])),
      outcome(() => u.sendto(Buffer.from('x'), ['127.0.0.1\0', 9])),
    ];
    for (let i = 0; i < py.length; i++) {
      assert.equal(py[i], 'TypeError: host name must not contain null character', `python case ${i}`);
      assert.equal(ours[i]!.err, 'TypeError', `case ${i}: ${JSON.stringify(ours[i])}`);
      assert.match(ours[i]!.message!, /: host name must not contain null character$/);
    }
    // Nothing was applied: the sockets are still unbound and unconnected.
    assert.deepEqual(s4.getsockname(), ['0.0.0.0', 0]);
    assert.throws(() => s4.getpeername(), (e: unknown) => e instanceof socket.OSError && e.errno === 107);
    // The async twins refuse it before any look-up.
    const late = await outcomeAsync(() => a4.async.connect(['localhost\0junk', 1]));
    assert.equal(late.err, 'TypeError');
    assert.match(late.message!, /host name must not contain null character/);
  } finally {
    closeAll(s4, s6, u, a4);
  }
});

test('connect_ex on a closed socket returns EBADF (9) after checking the address (socketmodule.c sock_connect_ex)', async () => {
  const py = python<Array<number | string>>(`
import json, socket
s = socket.socket(); s.close()
out = [s.connect_ex(('127.0.0.1', 1))]
try:
    s.connect_ex(('127.0.0.1',))
except Exception as e:
    out.append(type(e).__name__)
print(json.dumps(out))`);
  const s = socket.socket();
  s.close();
  assert.deepEqual(py, [9, 'TypeError']);
  assert.equal(s.connect_ex(['127.0.0.1', 1]), py[0]);
  assert.equal(await s.async.connect_ex(['127.0.0.1', 1]), py[0]);
  assert.throws(() => s.connect_ex(['127.0.0.1']), TypeError);
  await assert.rejects(s.async.connect_ex(['127.0.0.1']), TypeError);
  // connect itself still raises.
  assert.throws(() => s.connect(['127.0.0.1', 1]), (e: unknown) => e instanceof socket.OSError && e.errno === 9);
});

test('reading zero bytes returns at once and leaves a queued datagram in place (socketmodule.c sock_recv_guts)', async () => {
  const py = python<unknown[]>(`
import json, socket
out = []
c = socket.socket(); c.close()
out += [c.recv(0).decode(), c.recv_into(bytearray())]
a = socket.socket(type=socket.SOCK_DGRAM); a.bind(('127.0.0.1', 0)); a.settimeout(5)
b = socket.socket(type=socket.SOCK_DGRAM)
b.sendto(b'abc', a.getsockname())
out += [a.recv_into(bytearray()), a.recv(10).decode()]
x, y = socket.socketpair()
out += [x.recv_into(bytearray()), x.recv(0).decode()]
for s in (a, b, x, y): s.close()
print(json.dumps(out))`);
  const closed = socket.socket();
  closed.close();
  const a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  const [x, y] = socket.socketpair();
  try {
    a.bind(['127.0.0.1', 0]);
    a.settimeout(5);
    const ours: unknown[] = [closed.recv(0).toString(), closed.recv_into(Buffer.alloc(0))];
    b.sendto(Buffer.from('abc'), a.getsockname());
    ours.push(a.recv_into(Buffer.alloc(0)), a.recv(10).toString());
    // A blocking socketpair with nothing queued: returns 0 at once, does not block.
    ours.push(x.recv_into(new Uint8Array(0)), x.recv(0).toString());
    assert.deepEqual(ours, py);
    // The async twins agree, and the datagram again stays queued.
    b.sendto(Buffer.from('def'), a.getsockname());
    assert.equal(await a.async.recv_into(Buffer.alloc(0)), 0);
    assert.equal(await closed.async.recv_into(Buffer.alloc(0)), 0);
    assert.equal((await closed.async.recv(0)).length, 0);
    assert.equal((await a.async.recv(10)).toString(), 'def');
  } finally {
    closeAll(a, b, x, y);
  }
});

test('getsockopt buflen 0 is the int form, and fromfd(-1) is EBADF (socketmodule.c sock_getsockopt, socket.py fromfd)', () => {
  const py = python<Array<number | string>>(`
import json, socket
s = socket.socket()
out = [s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 0)]
s.close()
try:
    socket.fromfd(-1, socket.AF_INET, socket.SOCK_STREAM)
except OSError as e:
    out += [type(e).__name__, e.errno, str(e)]
print(json.dumps(out))`);
  const s = socket.socket();
  try {
    const ours: Array<number | string> = [s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 0) as number];
    const e = outcome(() => socket.fromfd(-1, socket.AF_INET, socket.SOCK_STREAM));
    ours.push(e.err!, e.errno!, e.message!);
    assert.deepEqual(ours, py);
  } finally {
    s.close();
  }
});

test('timeouts are whole nanoseconds rounded up, read back as Python does (pytime.c _PyTime_ROUND_TIMEOUT)', () => {
  const values = [1e-10, 1.5e-9, 0.1 + 0.2, 0.1, 0.3, 2.5, 1e-9, 123.456789012345, 7, 1e-3 + 1e-12, 86400.000000000123];
  const py = python<{ sock: number[]; dflt: number[] }>(`
import json, socket
vals = ${JSON.stringify(values)}
s = socket.socket()
sock = []
for v in vals:
    s.settimeout(v); sock.append(s.gettimeout())
s.close()
dflt = []
for v in vals:
    socket.setdefaulttimeout(v); dflt.append(socket.getdefaulttimeout())
socket.setdefaulttimeout(None)
print(json.dumps({'sock': sock, 'dflt': dflt}))`);
  const s = socket.socket();
  const before = socket.getdefaulttimeout();
  try {
    const sock = values.map((v) => { s.settimeout(v); return s.gettimeout(); });
    const dflt = values.map((v) => { socket.setdefaulttimeout(v); return socket.getdefaulttimeout(); });
    assert.deepEqual(sock, py.sock);
    assert.deepEqual(dflt, py.dflt);
    // A socket made under a rounded default carries the same value.
    socket.setdefaulttimeout(1e-10);
    const t = socket.socket();
    assert.equal(t.gettimeout(), 1e-9);
    t.close();
  } finally {
    socket.setdefaulttimeout(before);
    s.close();
  }
});

test('OSError(errno, strerror) is the errno\'s subclass, as Python\'s constructor picks it (Objects/exceptions.c errnomap)', () => {
  const errnos = [111, 11, 2, 1, 32, 104, 110, 4, 999];
  const py = python<Array<[string, number, string]>>(`
import json
out = []
for n in ${JSON.stringify(errnos)}:
    e = OSError(n, 'x')
    out.append([type(e).__name__, e.errno, str(e)])
print(json.dumps(out))`);
  const ours = errnos.map((n) => {
    const e = new socket.OSError(n, 'x');
    return [e.constructor.name, e.errno, e.message];
  });
  assert.deepEqual(ours, py);
  // socket.error is OSError; the subclass is a real one for instanceof.
  const refused = new socket.error(111, 'x');
  assert.ok(refused instanceof socket.ConnectionRefusedError);
  assert.ok(refused instanceof socket.ConnectionError);
  // A subclass asked for by name stays that class.
  assert.equal(new socket.TimeoutError(111, 'x').constructor, socket.TimeoutError);
  // A message alone is a plain OSError with no errno.
  const plain = new socket.OSError('boom');
  assert.equal(plain.constructor, socket.OSError);
  assert.equal(plain.errno, null);
});

test('a closed socket checks its arguments before its descriptor, as Python (bind, listen, sendto and the async twins)', async () => {
  const py = python<string[]>(`
import json, socket
s = socket.socket(); s.close()
u = socket.socket(socket.AF_UNIX); u.close()
out = []
def t(f):
    try:
        f(); out.append('ok')
    except Exception as e:
        out.append(type(e).__name__ + ('' if getattr(e, 'errno', None) is None else ' %d' % e.errno))
t(lambda: s.bind(('127.0.0.1', 70000)))
t(lambda: s.bind(('127.0.0.1',)))
t(lambda: s.listen(2**31))
t(lambda: s.sendto(b'a', ('127.0.0.1', 70000)))
t(lambda: u.sendto(b'a', 'x' * 200))
t(lambda: s.connect(('127.0.0.1', 70000)))
t(lambda: s.bind(('127.0.0.1', 0)))
print(json.dumps(out))`);
  const s = socket.socket();
  s.close();
  const u = socket.socket(socket.AF_UNIX);
  u.close();
  const name = (o: Outcome): string => (o.errno === undefined || o.errno === null ? o.err! : `${o.err} ${o.errno}`);
  const sync = [
    outcome(() => s.bind(['127.0.0.1', 70000])),
    outcome(() => s.bind(['127.0.0.1'])),
    outcome(() => s.listen(2 ** 31)),
    outcome(() => s.sendto(Buffer.from('a'), ['127.0.0.1', 70000])),
    outcome(() => u.sendto(Buffer.from('a'), 'x'.repeat(200))),
    outcome(() => s.connect(['127.0.0.1', 70000])),
    outcome(() => s.bind(['127.0.0.1', 0])),
  ].map(name);
  const PY_TO_JS: Record<string, string> = { OverflowError: 'RangeError', ValueError: 'RangeError' };
  assert.deepEqual(sync, py.map((p) => PY_TO_JS[p] ?? p));
  // The async twins agree with their sync forms.
  const twins = [
    await outcomeAsync(() => s.async.sendto(Buffer.from('a'), ['127.0.0.1', 70000])),
    await outcomeAsync(() => s.async.connect(['127.0.0.1', 70000])),
    await outcomeAsync(() => s.async.connect(['127.0.0.1'])),
    await outcomeAsync(() => s.async.sendmsg([Buffer.from('a')], [], 0, ['127.0.0.1', 70000])),
    await outcomeAsync(() => s.async.connect(['127.0.0.1', 1])),
  ].map(name);
  assert.deepEqual(twins, ['RangeError', 'RangeError', 'TypeError', 'RangeError', 'OSError 9']);
});

test('a twin called with MSG_DONTWAIT or MSG_ERRQUEUE makes one attempt and raises BlockingIOError, as the sync call and Python', async () => {
  const py = python<string[]>(`
import json, socket
a, b = socket.socketpair()
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()
c = socket.create_connection(l.getsockname()); s, _ = l.accept()
out = []
for f in (lambda: a.recv(5, socket.MSG_DONTWAIT), lambda: c.recv(5, socket.MSG_ERRQUEUE)):
    try:
        f(); out.append('ok')
    except OSError as e:
        out.append('%s %d' % (type(e).__name__, e.errno))
for x in (a, b, l, c, s): x.close()
print(json.dumps(out))`);
  const [a, b] = socket.socketpair();
  const l = socket.socket();
  const u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  let c: socket.Socket | undefined;
  let s: socket.Socket | undefined;
  try {
    l.bind(['127.0.0.1', 0]);
    l.listen();
    c = socket.create_connection(l.getsockname() as [string, number]);
    [s] = l.accept();
    u.bind(['127.0.0.1', 0]);
    const label = (o: Outcome): string => o.err === undefined ? 'ok' : `${o.err} ${o.errno}`;
    assert.deepEqual([label(outcome(() => a.recv(5, socket.MSG_DONTWAIT))), label(outcome(() => c!.recv(5, socket.MSG_ERRQUEUE)))], py);
    const twins = [
      await outcomeAsync(() => a.async.recv(5, socket.MSG_DONTWAIT)),
      await outcomeAsync(() => a.async.recv_into(Buffer.alloc(5), 5, socket.MSG_DONTWAIT)),
      await outcomeAsync(() => a.async.recvfrom(5, socket.MSG_DONTWAIT)),
      await outcomeAsync(() => a.async.recvmsg(5, 0, socket.MSG_DONTWAIT)),
      await outcomeAsync(() => c!.async.recv(5, socket.MSG_ERRQUEUE)),
      await outcomeAsync(() => c!.async.recvmsg(5, 512, socket.MSG_ERRQUEUE)),
      await outcomeAsync(() => u.async.recvmmsg(4, 100, socket.MSG_DONTWAIT)),
    ].map(label);
    assert.deepEqual(twins, Array(twins.length).fill(py[0]));
    // With data queued the same call succeeds, and without the flag a twin still waits.
    b.send(Buffer.from('hi'));
    assert.equal((await a.async.recv(5, socket.MSG_DONTWAIT)).toString(), 'hi');
    a.settimeout(0.2);
    await assert.rejects(a.async.recv(5), socket.TimeoutError);
  } finally {
    closeAll(a, b, l, u, c, s);
  }
});
