/**
 * AF_PACKET: the [ifname, proto, pkttype, hatype, addr] address both ways
 * (checked against python3), SOCK_RAW and SOCK_DGRAM on lo, a veth pair in
 * a network namespace the test creates and deletes, PACKET_* options, and
 * Python's validation errors.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';
import { python } from './helpers/python.js';
import { netnsSkipReason, runInNetns, withNetns } from './peers/families-ns.js';

checkNoLeaks();

const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const htons = (n: number): number => (LE ? ((n & 0xff) << 8) | ((n >> 8) & 0xff) : n);
const packetSkip = skipReason(socket.AF_PACKET, socket.SOCK_RAW, 0);
const nsSkip = packetSkip ?? netnsSkipReason();

test('bind to lo and getsockname give Python\'s address form', { skip: packetSkip ?? false }, () => {
  using s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0);
  s.bind(['lo', socket.ETH_P_IP, 0, 0, Buffer.from([1, 2])]);
  const ours = s.getsockname() as [string, number, number, number, Buffer];
  const py = python<[string, number, number, number, string]>([
    'import socket, json',
    's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)',
    `s.bind(('lo', ${socket.ETH_P_IP}, 0, 0, b'\\x01\\x02'))`,
    'a = s.getsockname()',
    'print(json.dumps([a[0], a[1], a[2], a[3], a[4].hex()]))'].join('\n'));
  assert.deepEqual([ours[0], ours[1], ours[2], ours[3], ours[4].toString('hex')], py);
  assert.equal(ours[0], 'lo');
  assert.equal(ours[1], socket.ETH_P_IP);
});

test('frames sent on lo come back with PACKET_OUTGOING and PACKET_HOST addresses', { skip: packetSkip ?? false }, () => {
  using rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, htons(socket.ETH_P_ALL));
  rx.bind(['lo', socket.ETH_P_ALL]);
  using tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0);
  const marker = Buffer.from(`bsd-socket lo frame ${process.pid}`);
  const frame = Buffer.concat([Buffer.alloc(12), Buffer.from([socket.ETH_P_IP >> 8, socket.ETH_P_IP & 0xff]), marker]);
  assert.equal(tx.sendto(frame, ['lo', socket.ETH_P_IP]), frame.length);
  rx.settimeout(5);
  const kinds = new Set<number>();
  for (let i = 0; i < 200 && kinds.size < 2; i++) {
    const [data, addr] = rx.recvfrom(65536);
    if (!data.includes(marker)) continue;
    const a = addr as [string, number, number, number, Buffer];
    assert.equal(a[0], 'lo');
    assert.equal(a[1], socket.ETH_P_IP);
    assert.equal(data.length, frame.length);
    kinds.add(a[2]);
  }
  assert.deepEqual([...kinds].sort(), [socket.PACKET_HOST, socket.PACKET_OUTGOING].sort());
});

test('SOCK_DGRAM packet sockets strip the link header', { skip: packetSkip ?? false }, () => {
  using rx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, htons(socket.ETH_P_IP));
  rx.bind(['lo', socket.ETH_P_IP]);
  using tx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0);
  const marker = Buffer.from(`bsd-socket dgram ${process.pid}`);
  tx.sendto(marker, ['lo', socket.ETH_P_IP, 0, 0, Buffer.alloc(6)]);
  rx.settimeout(5);
  let found = false;
  for (let i = 0; i < 200 && !found; i++) {
    const [data] = rx.recvfrom(65536);
    found = data.equals(marker);
  }
  assert.ok(found);
});

test('PACKET_* options: PACKET_AUXDATA, PACKET_IGNORE_OUTGOING, PACKET_STATISTICS', { skip: packetSkip ?? false }, () => {
  using s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, htons(socket.ETH_P_ALL));
  s.setsockopt(socket.SOL_PACKET, socket.PACKET_AUXDATA, 1);
  assert.equal(s.getsockopt(socket.SOL_PACKET, socket.PACKET_AUXDATA), 1);
  s.setsockopt(socket.SOL_PACKET, socket.PACKET_IGNORE_OUTGOING, 1);
  assert.equal(s.getsockopt(socket.SOL_PACKET, socket.PACKET_IGNORE_OUTGOING), 1);
  // struct tpacket_stats: two unsigned ints.
  assert.equal((s.getsockopt(socket.SOL_PACKET, socket.PACKET_STATISTICS, 8) as Buffer).length, 8);
});

test('address validation matches Python\'s error classes', { skip: packetSkip ?? false }, () => {
  using s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0);
  const cases: Array<[unknown, (e: unknown) => boolean]> = [
    [['lo'], (e) => e instanceof TypeError && /two to five elements/.test((e as Error).message)],
    [['lo', 0, 0, 0, Buffer.alloc(0), 1], (e) => e instanceof TypeError],
    ['lo', (e) => e instanceof TypeError && /AF_PACKET address must be tuple, not str/.test((e as Error).message)],
    [[Buffer.from('lo'), 0], (e) => e instanceof TypeError],
    [['lo', 0, 0, 0, Buffer.alloc(9)], (e) => e instanceof RangeError && /8 bytes or less/.test((e as Error).message)],
    [['lo', 70000], (e) => e instanceof RangeError && /proto must be 0-65535/.test((e as Error).message)],
    [['lo', 2 ** 40], (e) => e instanceof RangeError && /address argument out of range/.test((e as Error).message)],
    [['lo', 0, 2 ** 40], (e) => e instanceof RangeError && /address argument out of range/.test((e as Error).message)],
    [['lo', 0, 0, 0, 'ab'], (e) => e instanceof TypeError],
    [['lo\0', 0], (e) => e instanceof RangeError && /embedded null/.test((e as Error).message)],
    [['no-such-if-x', 0], (e) => e instanceof socket.OSError && (e as socket.OSError).code === 'ENODEV'],
    [['x'.repeat(100), 0], (e) => e instanceof socket.OSError && (e as socket.OSError).code === 'ENODEV'],
    [['', 0], (e) => e instanceof socket.OSError && (e as socket.OSError).code === 'ENODEV'],
  ];
  for (const [addr, check] of cases) assert.throws(() => s.bind(addr), check, `bind(${String(addr)})`);
  // The Python classes for the same inputs.
  const py = python<string[]>([
    'import socket, json',
    's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)',
    'out = []',
    "for a in [('lo',), ('lo',0,0,0,b'',1), 'lo', (b'lo',0), ('lo',0,0,0,b'x'*9), ('lo',70000), ('lo',2**40), ('lo',0,2**40), ('lo',0,0,0,'ab'), ('lo\\0',0), ('no-such-if-x',0), ('x'*100,0), ('',0)]:",
    '    try: s.bind(a); out.append("ok")',
    '    except Exception as e: out.append(type(e).__name__)',
    'print(json.dumps(out))'].join('\n'));
  const map: Record<string, string> = { TypeError: 'TypeError', ValueError: 'RangeError', OverflowError: 'RangeError', OSError: 'OSError' };
  const ours = cases.map(([addr]) => {
    try { s.bind(addr); return 'ok'; } catch (e) { return e instanceof socket.OSError ? 'OSError' : (e as Error).constructor.name; }
  });
  assert.deepEqual(ours, py.map((n) => map[n] ?? n));
});

test('a raw frame crosses a veth pair in a namespace; SOCK_DGRAM too', { skip: nsSkip ?? false }, async () => {
  await withNetns('pkt', (ns) => {
    const r = runInNetns(ns, 'packetAcrossVeth');
    assert.ok(r.ok, r.error);
    const v = r.value as {
      vbName: [string, number, number, number, string]; vaName: [string, number, number, number, string];
      sent: number; frameLen: number; got: { len: number; from: unknown[] } | null; dgram: { data: string; from: unknown[] } | null;
    };
    assert.equal(v.vbName[0], 'vb');
    assert.equal(v.vbName[4].length, 12, 'a 6-byte Ethernet address');
    assert.equal(v.sent, v.frameLen);
    assert.ok(v.got, 'frame received on vb');
    assert.equal(v.got.len, v.frameLen);
    assert.equal(v.got.from[0], 'vb');
    assert.equal(v.got.from[2], socket.PACKET_HOST);
    assert.equal(v.got.from[4], v.vaName[4], 'source hardware address is va\'s');
    assert.ok(v.dgram, 'datagram received on vb');
    assert.equal(v.dgram.data, 'bsd-socket packet test');
  });
});

test('PACKET_ADD_MEMBERSHIP PACKET_MR_PROMISC holds vb promiscuous while the socket is open', { skip: nsSkip ?? false }, async () => {
  await withNetns('mr', (ns) => {
    const r = runInNetns(ns, 'packetMembership');
    assert.ok(r.ok, r.error);
    assert.deepEqual(r.value, { before: false, during: true, after: false });
  });
});
