/**
 * Interfaces and the host name: GeneralModuleTests' testInterfaceNameIndex,
 * testInvalidInterfaceIndexToName, testInvalidInterfaceNameToIndex,
 * test_sethostname, testHostnameRes's gethostname, and a differential corpus
 * against python3. sethostname with a valid name only ever runs in a child
 * process inside its own UTS namespace (unshare --uts), never on the machine.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { python } from './helpers/python.js';
import { type Case, assertSameOutcomes, decode, outcome, pythonOutcomes } from './helpers/differential.js';

checkNoLeaks();

const c = (fn: string, ...args: unknown[]): Case => ({ fn, args });
const bytes = (s: string): unknown => ({ bytes: Buffer.from(s, 'latin1').toString('hex') });

function corpus(): Case[] {
  const cases: Case[] = [c('if_nameindex'), c('gethostname')];
  for (const [i, name] of socket.if_nameindex()) {
    cases.push(c('if_nametoindex', name), c('if_nametoindex', bytes(name)), c('if_indextoname', i));
  }
  for (const n of ['nosuchif0', '', 'x'.repeat(15), 'x'.repeat(16), 'x'.repeat(100), 'lo\0', 'l\udc80', 0, null, 1.5]) {
    cases.push(c('if_nametoindex', n));
  }
  // 2**32+1 is left out on purpose: CPython 3.11/3.12 truncate it to 1, 3.13
  // raises OverflowError, and we follow 3.13 (test below).
  for (const i of [0, 9999, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, -1, 1.5, '1', null, true]) cases.push(c('if_indextoname', i));
  for (const v of [5, null, 1.5]) cases.push(c('sethostname', v));
  return cases;
}

const CASES = corpus();
const PY = pythonOutcomes(CASES);
const fns = socket as unknown as Record<string, (...a: unknown[]) => unknown>;

test(`differential: ${CASES.length} interface and host-name calls give python3's results and errors`, () => {
  const ours = CASES.map((k) => outcome(() => fns[k.fn]!(...(decode(k.args) as unknown[]))));
  assertSameOutcomes(CASES, ours, PY);
});

test('if_nameindex agrees with if_nametoindex and if_indextoname (test_socket: testInterfaceNameIndex)', () => {
  const interfaces = socket.if_nameindex();
  assert.ok(interfaces.length > 0);
  for (const [index, name] of interfaces) {
    assert.ok(Number.isInteger(index) && index > 0);
    assert.equal(typeof name, 'string');
    assert.equal(socket.if_nametoindex(name), index);
    assert.equal(socket.if_nametoindex(Buffer.from(name)), index);
    assert.equal(socket.if_indextoname(index), name);
  }
});

test('bad interface indexes (test_socket: testInvalidInterfaceIndexToName)', () => {
  assert.throws(() => socket.if_indextoname(0), (e: unknown) => e instanceof socket.OSError && e.code === 'ENXIO');
  assert.throws(() => socket.if_indextoname(-1), RangeError);
  // CPython 3.13: an index beyond 32 bits is OverflowError (3.11 truncated it).
  assert.throws(() => socket.if_indextoname(2 ** 32 + 1), { name: 'RangeError', message: 'index is too large' });
  assert.throws(() => socket.if_indextoname('_DEADBEEF' as unknown as number), TypeError);
});

test('bad interface names (test_socket: testInvalidInterfaceNameToIndex)', () => {
  assert.throws(() => socket.if_nametoindex(0 as unknown as string), TypeError);
  assert.throws(() => socket.if_nametoindex('_DEADBEEF'), { name: 'OSError', message: 'no interface with this name' });
  assert.throws(() => socket.if_nametoindex('lo\0'), RangeError);
});

test('gethostname is the kernel\'s node name, as Python sees it', () => {
  const py = python<string>('import json, socket; print(json.dumps(socket.gethostname()))');
  assert.equal(socket.gethostname(), py);
});

test('sethostname refuses wrong types before any system call', () => {
  for (const v of [5, null, undefined, 1.5, {}, ['a']]) {
    assert.throws(() => socket.sethostname(v as unknown as string), TypeError);
  }
  assert.throws(() => socket.sethostname('a\0b'), RangeError);
});

/** Runs a snippet in a child node inside a fresh UTS namespace; null when unshare is unavailable. */
function inUtsNamespace(code: string): { status: number | null; stdout: string; stderr: string } | null {
  const probe = spawnSync('unshare', ['--uts', 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error !== undefined || probe.status !== 0) return null;
  const r = spawnSync('unshare', ['--uts', process.execPath, '--input-type=module', '-e', code],
    { encoding: 'utf8', timeout: 20_000, cwd: process.cwd() });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('sethostname sets the name gethostname returns, str and bytes (test_socket: test_sethostname)', (t) => {
  const before = socket.gethostname();
  const r = inUtsNamespace(`
    import * as socket from 'bsd-socket';
    const out = [];
    socket.sethostname('new-name-1');
    out.push(socket.gethostname());
    socket.sethostname(Buffer.from('new-name-2'));
    out.push(socket.gethostname());
    socket.sethostname(Buffer.from([0x6e, 0xff]));
    out.push(socket.gethostname());
    try { socket.sethostname('x'.repeat(65)); } catch (e) { out.push(e.code); }
    console.log(JSON.stringify(out));
  `);
  if (r === null) {
    t.skip('unshare --uts is not available (needs CAP_SYS_ADMIN or user namespaces)');
    return;
  }
  assert.equal(r.status, 0, r.stderr);
  // A non-UTF-8 byte comes back as a lone surrogate, as Python's surrogateescape does.
  assert.deepEqual(JSON.parse(r.stdout), ['new-name-1', 'new-name-2', 'n\udcff', 'EINVAL']);
  assert.equal(socket.gethostname(), before, 'the machine\'s own host name changed');
});
