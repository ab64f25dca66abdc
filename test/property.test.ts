/**
 * Property-based tests at the TypeScript boundary (fast-check):
 *
 * - the address codecs of every family round-trip: a random valid address,
 *   encoded to sockaddr bytes and decoded again, is the same address
 *   (src/address.ts, src/families.ts, through the internal encode/decode
 *   hooks, so families the kernel refuses are covered too);
 * - inet_pton, inet_ntop, inet_aton and inet_ntoa agree with python3's
 *   socket module on random inputs, valid and not, batched into one python3
 *   call per run of 500 (mirroring test_socket's testIPv4toString, testIPv6toString,
 *   testStringToIPv4, testStringToIPv6 and testIPv4_inet_aton_fourbytes);
 * - netlink messages and attributes (parsed in TypeScript only) round-trip,
 *   and parsing any bytes stays inside them.
 *
 * Runs are bounded (numRuns). The seed is fixed per process and printed on
 * failure; FC_SEED=<n> replays one.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { python } from './helpers/python.js';

checkNoLeaks();

const seed = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : Date.now() % 0x7fffffff;
/** fast-check's failure message carries the seed and path; we add how to replay. */
function check<T>(prop: fc.IProperty<T>, numRuns: number): void {
  try {
    fc.assert(prop, { seed, numRuns, endOnFailure: true });
  } catch (e) {
    (e as Error).message = `${(e as Error).message}\nreplay with FC_SEED=${seed}`;
    throw e;
  }
}

const enc = socket._encodeSockaddr;
const dec = socket._decodeSockaddr;

/** Encodes then decodes, the decoder seeing the first `len` bytes (the kernel's length). */
function roundTrip(family: number, address: unknown, type = 0, proto = 0, len?: number): unknown {
  const bytes = enc(family, address, type, proto);
  return dec(len === undefined ? bytes : bytes.subarray(0, len));
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 0xff });
const port = u16;

// ---- address codecs -------------------------------------------------------------

test('AF_INET addresses round-trip through sockaddr_in', () => {
  check(fc.property(fc.ipV4(), port, (host, p) => {
    assert.deepEqual(roundTrip(socket.AF_INET, [host, p]), [host, p]);
  }), 500);
});

test('AF_INET6 addresses round-trip through sockaddr_in6 (host in its standard text)', () => {
  check(fc.property(fc.ipV6(), port, fc.integer({ min: 0, max: 0xfffff }), u32, (host, p, flow, scope) => {
    const got = roundTrip(socket.AF_INET6, [host, p, flow, scope]) as [string, number, number, number];
    assert.deepEqual(got.slice(1), [p, flow, scope]);
    // The same 16 bytes, printed the standard way (RFC 5952, as inet_ntop).
    assert.deepEqual(socket.inet_pton(socket.AF_INET6, got[0]), socket.inet_pton(socket.AF_INET6, host));
    assert.equal(got[0], socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, host)));
  }), 500);
});

const sunPath = 108;
test('AF_UNIX file-system paths round-trip, any bytes but NUL (surrogateescape)', () => {
  const pathBytes = fc.uint8Array({ minLength: 1, maxLength: sunPath - 1 }).filter((b) => !b.includes(0));
  check(fc.property(pathBytes, (b) => {
    // The path as Python's os.fsdecode gives it: undecodable bytes as lone surrogates.
    const path = dec(enc(socket.AF_UNIX, Buffer.from(b))) as string;
    assert.equal(typeof path, 'string');
    assert.deepEqual(roundTrip(socket.AF_UNIX, path), path);
    assert.deepEqual(enc(socket.AF_UNIX, path), enc(socket.AF_UNIX, Buffer.from(b)));
  }), 500);
});

test('AF_UNIX abstract names round-trip byte for byte, NULs included', () => {
  const name = fc.uint8Array({ minLength: 0, maxLength: sunPath - 1 }).map((b) => Buffer.concat([Buffer.from([0]), b]));
  check(fc.property(name, (b) => {
    assert.deepEqual(roundTrip(socket.AF_UNIX, b), b);
  }), 500);
});

test('AF_NETLINK [pid, groups] round-trips', { skip: socket.AF_NETLINK === undefined ? 'no AF_NETLINK' : false }, () => {
  check(fc.property(u32, u32, (pid, groups) => {
    assert.deepEqual(roundTrip(socket.AF_NETLINK!, [pid, groups]), [pid, groups]);
  }), 300);
});

test('AF_PACKET [ifname, proto, pkttype, hatype, addr] round-trips on lo', {
  skip: socket.AF_PACKET === undefined ? 'no AF_PACKET' : false,
}, () => {
  check(fc.property(u16, u8, u16, fc.uint8Array({ maxLength: 8 }), (proto, pkttype, hatype, addr) => {
    const got = roundTrip(socket.AF_PACKET!, ['lo', proto, pkttype, hatype, Buffer.from(addr)]);
    assert.deepEqual(got, ['lo', proto, pkttype, hatype, Buffer.from(addr)]);
  }), 300);
});

test('AF_VSOCK and AF_QIPCRTR pairs round-trip', () => {
  for (const family of [socket.AF_VSOCK, socket.AF_QIPCRTR]) {
    if (family === undefined) continue;
    check(fc.property(u32, u32, (a, b) => {
      assert.deepEqual(roundTrip(family, [a, b]), [a, b]);
    }), 300);
  }
});

test('AF_TIPC addresses round-trip per address type (TIPCTest shapes)', {
  skip: socket.AF_TIPC === undefined ? 'no AF_TIPC' : false,
}, () => {
  const types = [socket.TIPC_ADDR_NAMESEQ!, socket.TIPC_ADDR_NAME!, socket.TIPC_ADDR_ID!];
  check(fc.property(fc.constantFrom(...types), u32, u32, u32, u8, (atype, v1, v2, v3, scope) => {
    // The kernel's struct keeps what each type has: NAME's instance twice, ID no third value.
    const third = atype === socket.TIPC_ADDR_NAMESEQ ? v3 : atype === socket.TIPC_ADDR_NAME ? v2 : 0;
    assert.deepEqual(roundTrip(socket.AF_TIPC!, [atype, v1, v2, v3, scope]), [atype, v1, v2, third, scope]);
  }), 300);
});

test('AF_ALG [type, name, feat, mask] round-trips (LinuxKernelCryptoAPI shapes)', {
  skip: socket.AF_ALG === undefined ? 'no AF_ALG' : false,
}, () => {
  const text = (room: number) => fc.string({ unit: 'binary', maxLength: room })
    .filter((s) => !s.includes('\0') && Buffer.byteLength(s) < room);
  check(fc.property(text(14), text(64), u16, u16, (type, name, feat, mask) => {
    assert.deepEqual(roundTrip(socket.AF_ALG!, [type, name, feat, mask]), [type, name, feat, mask]);
  }), 300);
});

test('AF_CAN ISO-TP and J1939 addresses round-trip on lo (ISOTPTest, J1939Test shapes)', {
  skip: socket.AF_CAN === undefined || socket.CAN_ISOTP === undefined || socket.CAN_J1939 === undefined
    ? 'no AF_CAN ISO-TP/J1939 constants' : false,
}, () => {
  // The kernel reports an ISO-TP name with its own minimal length (16 bytes).
  check(fc.property(u32, u32, (rx, tx) => {
    const got = roundTrip(socket.AF_CAN!, ['lo', rx, tx], socket.SOCK_DGRAM, socket.CAN_ISOTP!, 16);
    assert.deepEqual(got, ['lo', rx, tx]);
  }), 300);
  check(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), u32, u8, (name, pgn, addr) => {
    const got = roundTrip(socket.AF_CAN!, ['lo', name, pgn, addr], socket.SOCK_DGRAM, socket.CAN_J1939!);
    const expectName = name <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(name) : name;
    assert.deepEqual(got, ['lo', expectName, pgn, addr]);
  }), 300);
});

test('AF_RDS [host, port] round-trips (BasicRDSTest shapes)', {
  skip: socket.AF_RDS === undefined ? 'no AF_RDS' : false,
}, () => {
  check(fc.property(fc.ipV4(), port, (host, p) => {
    assert.deepEqual(roundTrip(socket.AF_RDS!, [host, p]), [host, p]);
  }), 300);
});

test('any sockaddr bytes decode without throwing, and re-decode the same', () => {
  check(fc.property(fc.uint8Array({ maxLength: 128 }), (b) => {
    const first = dec(b);
    assert.deepEqual(dec(Buffer.from(b)), first);
  }), 1000);
});

// ---- inet_* against python3 -------------------------------------------------------

/** What one call gives: ['ok', value] or [error class]. ValueError is RangeError here. */
type Outcome = [string] | [string, string];
type Call = [string, number, string];
const call = (fn: string, family: number, arg: string): Call => [fn, family, arg];

function ours(f: () => string | Buffer): Outcome {
  try {
    const v = f();
    return ['ok', typeof v === 'string' ? v : v.toString('hex')];
  } catch (e) {
    if (e instanceof socket.OSError) return ['OSError'];
    if (e instanceof RangeError) return ['ValueError'];
    if (e instanceof TypeError) return ['TypeError'];
    throw e;
  }
}

/** Runs `calls` ([function, family, text | hex]) in one python3 process. */
function pythons(calls: Call[]): Outcome[] {
  const payload = Buffer.from(JSON.stringify(calls), 'utf8').toString('base64');
  return python<Outcome[]>(`
import base64, json, socket
out = []
for fn, fam, arg in json.loads(base64.b64decode('${payload}')):
    try:
        if fn == 'inet_pton': v = socket.inet_pton(fam, arg).hex()
        elif fn == 'inet_ntop': v = socket.inet_ntop(fam, bytes.fromhex(arg))
        elif fn == 'inet_aton': v = socket.inet_aton(arg).hex()
        else: v = socket.inet_ntoa(bytes.fromhex(arg))
        out.append(['ok', v])
    except OSError: out.append(['OSError'])
    except ValueError: out.append(['ValueError'])
    except TypeError: out.append(['TypeError'])
print(json.dumps(out))
`);
}

function jsCall([fn, fam, arg]: Call): Outcome {
  if (fn === 'inet_pton') return ours(() => socket.inet_pton(fam, arg));
  if (fn === 'inet_ntop') return ours(() => socket.inet_ntop(fam, Buffer.from(arg, 'hex')));
  if (fn === 'inet_aton') return ours(() => socket.inet_aton(arg));
  return ours(() => socket.inet_ntoa(Buffer.from(arg, 'hex')));
}

/** Each run compares a batch of calls with one python3 process. */
function differential(calls: fc.Arbitrary<Call>, runs: number): void {
  check(fc.property(fc.array(calls, { minLength: 500, maxLength: 500 }), (batch) => {
    const theirs = pythons(batch);
    batch.forEach((call, i) => {
      assert.deepEqual(jsCall(call), theirs[i], `${call[0]}(${call[1]}, ${JSON.stringify(call[2])})`);
    });
  }), runs);
}

/** Text near the grammar: pieces of addresses, separators, junk, NUL, spaces. */
function nearText(pieces: string[], valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom(...pieces),
    fc.integer({ min: 0, max: 70000 }).map(String),
    fc.integer({ min: 0, max: 0xfffff }).map((n) => n.toString(16)),
  );
  return fc.oneof(
    valid,
    fc.array(piece, { maxLength: 12 }).map((a) => a.join('')),
    fc.tuple(valid, fc.constantFrom(' ', '\0', '.', ':', 'x', ' junk', '%1', '\t')).map(([v, s]) => v + s),
    fc.string({ maxLength: 20 }),
  );
}

const v4pieces = ['.', '..', '0', '00', '255', '256', '0x', '0X1f', '077', ' ', '\0', '-1', '+1', '1e3'];
const v6pieces = [':', '::', ':::', 'ffff', 'FFFF', '0', '00000', '1.2.3.4', '%', '%lo', '.', ' ', '\0', 'g'];
const bytesHex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
/** 16 bytes with runs of zeros (the :: compression) and the v4-mapped prefixes. */
const v6bytes = fc.oneof(
  bytesHex(16),
  fc.array(fc.constantFrom(0, 0, 0, 1, 0xff, 0xfe, 0x80), { minLength: 16, maxLength: 16 })
    .map((a) => Buffer.from(a).toString('hex')),
  bytesHex(4).map((h) => `00000000000000000000ffff${h}`),
  bytesHex(4).map((h) => `000000000000000000000000${h}`),
);

test('inet_pton(AF_INET) agrees with python3 on random text (testIPv4toString)', () => {
  differential(nearText(v4pieces, fc.ipV4()).map((s) => call('inet_pton', socket.AF_INET, s)), 2);
});

test('inet_pton(AF_INET6) agrees with python3 on random text (testIPv6toString)', () => {
  differential(nearText(v6pieces, fc.oneof(fc.ipV6(), fc.ipV4().map((v) => `::ffff:${v}`)))
    .map((s) => call('inet_pton', socket.AF_INET6, s)), 2);
});

test('inet_ntop(AF_INET) and inet_ntoa agree with python3 on random bytes (testStringToIPv4)', () => {
  const hex = fc.oneof(bytesHex(4), fc.uint8Array({ maxLength: 6 }).map((b) => Buffer.from(b).toString('hex')));
  differential(fc.oneof(
    hex.map((h) => call('inet_ntop', socket.AF_INET, h)),
    hex.map((h) => call('inet_ntoa', socket.AF_INET, h)),
  ), 2);
});

test('inet_ntop(AF_INET6) agrees with python3 on random bytes (testStringToIPv6)', () => {
  const hex = fc.oneof(v6bytes, fc.uint8Array({ maxLength: 18 }).map((b) => Buffer.from(b).toString('hex')));
  differential(hex.map((h) => call('inet_ntop', socket.AF_INET6, h)), 2);
});

test('inet_aton agrees with python3 on random text (testIPv4_inet_aton_fourbytes)', () => {
  const legacy = fc.oneof(
    fc.ipV4(), fc.ipV4Extended(),
    u32.map(String), u32.map((n) => `0x${n.toString(16)}`),
    fc.tuple(u8, fc.integer({ min: 0, max: 0xffffff })).map(([a, b]) => `${a}.${b}`),
  );
  differential(nearText(v4pieces, legacy).map((s) => call('inet_aton', socket.AF_INET, s)), 2);
});

// ---- netlink (parsed in TypeScript only: src/netlink.ts) ---------------------------

const nl = socket.netlink;

test('netlink messages and attributes built then parsed are the same', () => {
  const attr = fc.record({ type: fc.integer({ min: 0, max: 0x3fff }), data: fc.uint8Array({ maxLength: 40 }) });
  const msg = fc.record({
    type: u16, flags: u16, seq: u32, pid: u32,
    attrs: fc.array(attr, { maxLength: 6 }),
  });
  check(fc.property(fc.array(msg, { maxLength: 6 }), (msgs) => {
    const wire = Buffer.concat(msgs.map((m) => nl.buildMessage(m.type, m.flags, m.seq,
      m.attrs.map((a) => nl.buildAttribute(a.type, Buffer.from(a.data))), m.pid)));
    const parsed = nl.parseMessages(wire);
    assert.equal(parsed.length, msgs.length);
    parsed.forEach((p, i) => {
      const m = msgs[i]!;
      assert.deepEqual([p.type, p.flags, p.seq, p.pid], [m.type, m.flags, m.seq, m.pid]);
      const attrs = nl.parseAttributes(p.payload);
      assert.deepEqual(attrs.map((a) => [a.type, Buffer.from(a.data)]), m.attrs.map((a) => [a.type, Buffer.from(a.data)]));
    });
  }), 300);
});

test('netlink parsing of any bytes stays inside them and ends', () => {
  check(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(8), (b, offset) => {
    const buf = Buffer.from(b);
    let total = 0;
    for (const m of nl.parseMessages(buf)) {
      // Each payload is a view of the input, inside it.
      assert.equal(m.payload.buffer, buf.buffer);
      assert.ok(m.payload.byteOffset >= buf.byteOffset + nl.NLMSG_HDRLEN);
      assert.ok(m.payload.byteOffset + m.payload.length <= buf.byteOffset + buf.length);
      total += nl.NLMSG_HDRLEN + m.payload.length;
    }
    assert.ok(total <= buf.length);
    for (const a of nl.parseAttributes(buf, offset)) {
      assert.ok(a.data.byteOffset + a.data.length <= buf.byteOffset + buf.length);
    }
  }), 1000);
});
