/**
 * Address conversion and byte order: a differential corpus against python3
 * (inet_aton/ntoa/pton/ntop, htons/htonl/ntohs/ntohl, CMSG_LEN/CMSG_SPACE),
 * and GeneralModuleTests' testIPv4toString, testIPv6toString,
 * testStringToIPv4, testStringToIPv6, testIPv4_inet_aton_fourbytes, testNtoH,
 * testNtoHErrors, plus CmsgMacroTests.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { type Case, assertSameOutcomes, decode, outcome, pythonOutcomes } from './helpers/differential.js';

checkNoLeaks();

const { AF_INET, AF_INET6 } = socket;
const c = (fn: string, ...args: unknown[]): Case => ({ fn, args });
const hex = (h: string): unknown => ({ bytes: h });
const big = (s: string): unknown => ({ int: s });

function corpus(): Case[] {
  const cases: Case[] = [];
  const v4 = ['1.2.3.4', '0.0.0.0', '255.255.255.255', '1.2.3', '127.1', '1', '0x7f.1', '0x7f000001', '017.0.0.1',
    '08.0.0.1', '1.2.3.4 junk', '1.2.3.4\tx', ' 1.2.3.4', '1.2.3.4.5', '0.0.0.', '300.0.0.0', '256.1', 'a.0.0.0',
    '::1', '', '4294967295', '4294967296', '1.16777215', '1.16777216', '1.2.65535', '1.2.65536', '1.2.3.256',
    '1..2.3', '.1.2.3', 'a\0', '1.2.3.4\udc80', 5, null, hex('312e322e332e34')];
  const v6 = ['::', '0::0', '1::', '12:a::', '::254.42.23.64', '42::a29b:254.42.23.64', '::1', 'FFFF::1',
    '1:2:3:4:5:6:7:8', '0x20::', ':::', '::0::', '1::abc::', '1:2:3:4:5:6', '1:2:3:4:5:6:7:8:0',
    '1:2:3:4:5:6:7:8:', '1::260.2.3.0', '::1.2.3.4:0', '255.254.253.252', '::ffff:1.2.3.4', '1:2:3:4:5:6:1.2.3.4',
    '00000::1', '0000::1', 'fe80::1%lo', ' ::1', '::1 ', 'x'.repeat(200), ''];
  for (const s of v4) cases.push(c('inet_aton', s), c('inet_pton', AF_INET, s));
  for (const s of v6) cases.push(c('inet_pton', AF_INET6, s));
  for (const f of [0, 1, 12345, -1, 2 ** 31, 1.5, 'x']) cases.push(c('inet_pton', f, '1.2.3.4'));
  const packed = [hex(''), hex('01020304'), hex('ffffffff'), hex('0102030405'), hex('010203'),
    hex('00000000000000000000000000000001'), hex('0aef0b0105061001ffff999700550170'), hex('00000000000000000000ffff01020304'),
    hex('000000000000000000000000010203'), hex('0000000000000000000000000000000000'), 'abcd', 5, null];
  for (const p of packed) {
    cases.push(c('inet_ntoa', p), c('inet_ntop', AF_INET, p), c('inet_ntop', AF_INET6, p), c('inet_ntop', 12345, p));
  }
  cases.push(c('inet_ntop', 1.5, hex('01020304')), c('inet_ntop', 2 ** 31, hex('01020304')));
  const ints = [0, 1, 2, 255, 256, 0x1234, 0xffff, 0x10000, 0x12345678, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000, -1, -0x8000, -(2 ** 31), -(2 ** 31) - 1, 2 ** 40, big('9223372036854775808'), big('18446744073709551616'),
    1.5, '1', true, false, null];
  for (const fn of ['htons', 'ntohs', 'htonl', 'ntohl']) for (const x of ints) cases.push(c(fn, x));
  if (typeof (socket as Record<string, unknown>)['CMSG_LEN'] === 'function') {
    for (const n of [0, 1, 4, 5, 8, 100, 2 ** 31 - 17, 2 ** 31 - 16, 2 ** 31 - 24, 2 ** 31 - 23, -1, 2 ** 31, 2 ** 40,
      1.5, '1', true]) {
      cases.push(c('CMSG_LEN', n), c('CMSG_SPACE', n));
    }
  }
  return cases;
}

const CASES = corpus();
const PY = pythonOutcomes(CASES);
const fns = socket as unknown as Record<string, (...a: unknown[]) => unknown>;

test(`differential: ${CASES.length} address conversions and byte-order calls give python3's results and errors`, () => {
  const ours = CASES.map((k) => outcome(() => fns[k.fn]!(...(decode(k.args) as unknown[]))));
  assertSameOutcomes(CASES, ours, PY);
});

test('differential: inet_pton(AF_INET) on 4000 random dotted strings agrees with python3', () => {
  // Our canonical-dotted-quad fast path must accept exactly what the C
  // library accepts; random near-misses (leading zeros, 256, five parts,
  // empty parts, signs, spaces) probe its edges.
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const atoms = ['0', '1', '9', '00', '01', '10', '99', '100', '199', '255', '256', '260', '300', '999', '0255', '',
    ' ', '+1', '-1', 'a', '1a', '0x1', '\t'];
  const strings: string[] = [];
  for (let i = 0; i < 4000; i++) {
    const parts = 2 + rnd(5);
    const xs: string[] = [];
    for (let p = 0; p < parts; p++) xs.push(atoms[rnd(atoms.length)]!);
    strings.push(xs.join(rnd(20) === 0 ? ',' : '.'));
  }
  const cases = strings.map((s) => c('inet_pton', AF_INET, s));
  const ours = cases.map((k) => outcome(() => socket.inet_pton(...(decode(k.args) as [number, string]))));
  assertSameOutcomes(cases, ours, pythonOutcomes(cases));
  assert.ok(ours.some((o) => 'ok' in o) && ours.some((o) => 'err' in o));
});

test('inet_aton accepts the classic short forms (test_socket: testIPv4toString, testIPv4_inet_aton_fourbytes)', () => {
  const f = socket.inet_aton;
  assert.deepEqual(f('0.0.0.0'), Buffer.from([0, 0, 0, 0]));
  assert.deepEqual(f('1.0.1.0'), Buffer.from([1, 0, 1, 0]));
  assert.deepEqual(f('170.170.170.170'), Buffer.from([0xaa, 0xaa, 0xaa, 0xaa]));
  assert.deepEqual(f('255.255.255.255'), Buffer.from([0xff, 0xff, 0xff, 0xff]));
  assert.deepEqual(f('1.2.3'), Buffer.from([1, 2, 0, 3]));
  assert.deepEqual(f('127.1'), Buffer.from([0x7f, 0, 0, 1]));
  assert.equal(f('127.1').length, 4);
  for (const bad of ['0.0.0.', '300.0.0.0', '::1']) {
    assert.throws(() => f(bad), { name: 'OSError', message: 'illegal IP address string passed to inet_aton' });
  }
});

test('inet_pton(AF_INET) is strict (test_socket: testIPv4toString)', () => {
  const f = (s: string): Buffer => socket.inet_pton(AF_INET, s);
  assert.deepEqual(f('0.0.0.0'), Buffer.alloc(4));
  assert.deepEqual(f('170.85.170.85'), Buffer.from([0xaa, 0x55, 0xaa, 0x55]));
  assert.deepEqual(f('255.255.255.255'), Buffer.alloc(4, 0xff));
  for (const bad of ['0.0.0.', 'a.0.0.0', '1.2.3', '1.2.3.4.5', '300.0.0.0']) {
    assert.throws(() => f(bad), { name: 'OSError', message: 'illegal IP address string passed to inet_pton' });
  }
  assert.throws(() => socket.inet_pton(12345, '1.2.3.4'), (e: unknown) =>
    e instanceof socket.OSError && e.code === 'EAFNOSUPPORT');
});

test('inet_pton returns real Buffers that do not share bytes', () => {
  const a = socket.inet_pton(AF_INET, '1.2.3.4');
  const b = socket.inet_pton(AF_INET6, '::1');
  const c = socket.inet_pton(AF_INET, '5.6.7.8');
  assert.ok(Buffer.isBuffer(a) && a instanceof Buffer && a.constructor === Buffer);
  assert.equal(a.toString('hex'), '01020304');
  assert.equal(b.toString('hex'), '0'.repeat(31) + '1');
  assert.equal(c.readUInt32BE(0), 0x05060708);
  a.fill(0xff);
  assert.equal(b.toString('hex'), '0'.repeat(31) + '1');
  assert.equal(c.toString('hex'), '05060708');
  assert.match(inspect(a), /^<Buffer ff ff ff ff>$/);
  assert.deepEqual(socket.inet_pton(AF_INET, '0.0.0.0'), Buffer.alloc(4));
  // Many in a row cross slab boundaries without overlap.
  const many = Array.from({ length: 3000 }, (_, i) => socket.inet_pton(AF_INET, `10.0.${i >> 8}.${i & 255}`));
  many.forEach((x, i) => assert.equal(x.readUInt32BE(0), (10 << 24 | i) >>> 0));
});

test('inet_pton(AF_INET6) takes every valid form and refuses the rest (test_socket: testIPv6toString)', () => {
  const f = (s: string): string => socket.inet_pton(AF_INET6, s).toString('hex');
  assert.equal(f('::'), '0'.repeat(32));
  assert.equal(f('0::0'), '0'.repeat(32));
  assert.equal(f('1::'), '0001' + '0'.repeat(28));
  assert.equal(f('45ef:76cb:1a:56ef:afeb:bac:1924:aeae'), '45ef76cb001a56efafeb0bac1924aeae');
  assert.equal(f('ad42:abc::127:0:254:2'), 'ad420abc0000000001270000025400' + '02');
  assert.equal(f('12:a::'), '0012000a' + '0'.repeat(24));
  assert.equal(f('::254.42.23.64'), '0'.repeat(24) + 'fe2a1740');
  assert.equal(f('42::a29b:254.42.23.64'), '0042' + '0'.repeat(16) + 'a29bfe2a1740');
  assert.equal(f('42:a8b9:0:2:ffff:a29b:254.42.23.64'), '0042a8b900000002ffffa29bfe2a1740');
  for (const bad of ['0x20::', ':::', '::0::', '1::abc::', '1::abc::def', '1:2:3:4:5:6', '1:2:3:4:5:6:7:8:0',
    '1:2:3:4:5:6:7:8:', '1::260.2.3.0', '1::0.be.e.0', '1::3.4.5', '::1.2.3.4:0', '0.100.200.0:3:4:5:6:7:8',
    '255.254.253.252']) {
    assert.throws(() => f(bad), { name: 'OSError', message: 'illegal IP address string passed to inet_pton' }, bad);
  }
});

test('inet_ntoa and inet_ntop(AF_INET) check the length (test_socket: testStringToIPv4)', () => {
  assert.equal(socket.inet_ntoa(Buffer.from([0, 0, 0, 0])), '0.0.0.0');
  assert.equal(socket.inet_ntoa(Buffer.from([0xff, 0, 0xff, 0])), '255.0.255.0');
  assert.equal(socket.inet_ntoa(new Uint8Array([0xaa, 0xaa, 0xaa, 0xaa])), '170.170.170.170');
  assert.equal(socket.inet_ntoa(new Uint8Array([1, 0, 1, 0]).buffer), '1.0.1.0');
  assert.equal(socket.inet_ntop(AF_INET, Buffer.from([0xff, 0xff, 0xff, 0xff])), '255.255.255.255');
  for (const n of [3, 5, 16]) {
    assert.throws(() => socket.inet_ntoa(Buffer.alloc(n)), { name: 'OSError', message: 'packed IP wrong length for inet_ntoa' });
  }
  assert.throws(() => socket.inet_ntop(AF_INET, Buffer.alloc(5)), {
    name: 'RangeError', message: 'invalid length of packed IP address string',
  });
  assert.throws(() => socket.inet_ntop(12345, Buffer.alloc(4)), { name: 'RangeError', message: 'unknown address family 12345' });
  assert.throws(() => socket.inet_ntoa('abcd' as unknown as Buffer), TypeError);
});

test('inet_ntop(AF_INET6) gives the compressed lower-case form (test_socket: testStringToIPv6)', () => {
  const f = (h: string): string => socket.inet_ntop(AF_INET6, Buffer.from(h, 'hex'));
  assert.equal(f('0'.repeat(32)), '::');
  assert.equal(f('0'.repeat(31) + '1'), '::1');
  assert.equal(f('0aef0b0105061001ffff999700550170'), 'aef:b01:506:1001:ffff:9997:55:170');
  assert.equal(f('00000000000000000000ffff01020304'), '::ffff:1.2.3.4');
  assert.equal(socket.inet_ntop(AF_INET6, new Uint8Array(16)), '::');
  for (const n of [0, 4, 15, 17]) {
    assert.throws(() => socket.inet_ntop(AF_INET6, Buffer.alloc(n)), RangeError);
  }
});

test('byte order: the converters swap and invert each other (test_socket: testNtoH)', () => {
  assert.equal(socket.htons(1), 256);
  assert.equal(socket.htonl(1), 16777216);
  assert.equal(socket.ntohs(256), 1);
  assert.equal(socket.ntohl(16777216), 1);
  const mask16 = (1 << 16) - 1;
  const mask32 = 2 ** 32 - 1;
  for (const i of [0, 1, 0xffff, 0x1234, 0xfedc, 0xffffffff, 0x12345678, 0x80000000, 2 ** 31 - 1]) {
    assert.equal(socket.ntohl(socket.htonl(i)), i);
    assert.equal(socket.htonl(socket.ntohl(i)), i);
    const i16 = i & mask16;
    assert.equal(socket.ntohs(socket.htons(i16)), i16);
    assert.equal(socket.htons(socket.ntohs(i16)), i16);
    assert.ok(socket.htonl(i) >= 0 && socket.htonl(i) <= mask32);
  }
  assert.equal(socket.htonl(0x12345678), 0x78563412);
  assert.equal(socket.htons(0x1234), 0x3412);
});

test('byte order: negative or too large is RangeError, a non-integer TypeError (test_socket: testNtoHErrors)', () => {
  // Python 3.11-3.13 raise OverflowError for negatives (its main branch: ValueError); both are RangeError here.
  for (const fn of [socket.htons, socket.ntohs]) {
    for (const bad of [-1, -0x8000, 0x10000, 2 ** 31, 2 ** 40]) assert.throws(() => fn(bad), RangeError);
    for (const k of [0, 1, 0xffff]) assert.equal(typeof fn(k), 'number');
    assert.throws(() => fn(1.5), TypeError);
    assert.throws(() => fn('1' as unknown as number), TypeError);
  }
  for (const fn of [socket.htonl, socket.ntohl]) {
    for (const bad of [-1, -(2 ** 31), 2 ** 32, 2 ** 40]) assert.throws(() => fn(bad), RangeError);
    for (const k of [0, 1, 0xffffffff]) assert.equal(typeof fn(k), 'number');
    assert.throws(() => fn(1.5), TypeError);
  }
  assert.throws(() => socket.htons(-1), { message: "htons: can't convert negative Python int to C 16-bit unsigned integer" });
  assert.throws(() => socket.htonl(2 ** 32), { message: 'int larger than 32 bits' });
});

test('CMSG_LEN and CMSG_SPACE arithmetic and limits (test_socket: CmsgMacroTests)', (t) => {
  const mod = socket as unknown as Record<string, unknown>;
  if (typeof mod['CMSG_LEN'] !== 'function' || typeof mod['CMSG_SPACE'] !== 'function') {
    t.skip('CMSG_LEN/CMSG_SPACE are not built in this tree');
    return;
  }
  const len = mod['CMSG_LEN'] as (n: number) => number;
  const space = mod['CMSG_SPACE'] as (n: number) => number;
  const base = len(0);
  assert.equal(base, 16);
  for (let n = 0; n < 200; n++) {
    assert.equal(len(n), base + n);
    assert.ok(space(n) >= len(n));
    assert.equal(space(n) % 8, 0);
  }
  assert.equal(space(1), space(4));
  assert.equal(space(0), 16);
  assert.throws(() => len(-1), RangeError);
  assert.throws(() => len(2 ** 31 - base + 1), RangeError);
  assert.throws(() => space(-1), RangeError);
  assert.throws(() => space(2 ** 31), RangeError);
});
