/**
 * Address encoding and validation of the families this kernel may refuse
 * (AF_CAN, AF_ALG, AF_TIPC, AF_RDS, AF_QIPCRTR) and of VSOCK, mirroring
 * CPython's BasicCANTest, ISOTPTest, J1939Test, LinuxKernelCryptoAPI,
 * TIPCTest, BasicRDSTest, BasicQIPCRTRTest and BasicVSOCKTest. The encoding
 * half runs everywhere (through the internal `_encodeSockaddr` hook, no
 * socket needed); the socket half runs where the kernel has the family and
 * is skipped with the kernel's own reason otherwise.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';
import { python } from './helpers/python.js';

checkNoLeaks();

const enc = socket._encodeSockaddr;
const dec = socket._decodeSockaddr;
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const u16 = (b: Buffer, o: number): number => (LE ? b.readUInt16LE(o) : b.readUInt16BE(o));
const u32 = (b: Buffer, o: number): number => (LE ? b.readUInt32LE(o) : b.readUInt32BE(o));

// ---- AF_CAN ----------------------------------------------------------------------

const canRaw = skipReason(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW);
const canBcm = skipReason(socket.AF_CAN, socket.SOCK_DGRAM, socket.CAN_BCM);
const isotp = skipReason(socket.AF_CAN, socket.SOCK_DGRAM, socket.CAN_ISOTP);
const j1939 = skipReason(socket.AF_CAN, socket.SOCK_DGRAM, socket.CAN_J1939);

test('CAN_RAW address [\'\'] is every interface (BasicCANTest.testBindAny, encoding)', () => {
  const b = enc(socket.AF_CAN, [''], socket.SOCK_RAW, socket.CAN_RAW);
  assert.equal(u16(b, 0), socket.AF_CAN);
  assert.equal(b.readInt32LE(4), 0, 'ifindex 0');
  // The kernel reports a CAN_RAW name with the minimal length (ifindex only).
  assert.deepEqual(dec(b.subarray(0, 8)), ['']);
});

test('CAN_RAW address names an interface by index (encoding with lo)', () => {
  const b = enc(socket.AF_CAN, ['lo'], socket.SOCK_RAW, socket.CAN_RAW);
  assert.equal(b.readInt32LE(4), 1);
  assert.deepEqual(dec(b.subarray(0, 8)), ['lo']);
  // bytes are accepted as well (PyUnicode_FSConverter)
  assert.deepEqual(enc(socket.AF_CAN, [Buffer.from('lo')], socket.SOCK_RAW, socket.CAN_BCM), b);
});

test('too long CAN interface name is OSError (BasicCANTest/ISOTPTest.testTooLongInterfaceName, encoding)', () => {
  assert.throws(() => enc(socket.AF_CAN, ['x'.repeat(1024)], socket.SOCK_RAW, socket.CAN_RAW),
    (e: unknown) => e instanceof socket.OSError && /interface name too long/.test((e as Error).message));
  assert.throws(() => enc(socket.AF_CAN, ['x'.repeat(1024), 1, 2], socket.SOCK_DGRAM, socket.CAN_ISOTP),
    (e: unknown) => e instanceof socket.OSError && /interface name too long/.test((e as Error).message));
  // 15 bytes fit (IFNAMSIZ 16 with the NUL): no such device rather than too long.
  assert.throws(() => enc(socket.AF_CAN, ['x'.repeat(15)], socket.SOCK_RAW, socket.CAN_RAW),
    (e: unknown) => e instanceof socket.OSError && (e as socket.OSError).code === 'ENODEV');
});

test('CAN address shapes and types match CPython\'s error classes', () => {
  assert.throws(() => enc(socket.AF_CAN, 'lo', socket.SOCK_RAW, socket.CAN_RAW), /AF_CAN address must be tuple, not str/);
  assert.throws(() => enc(socket.AF_CAN, ['lo', 1], socket.SOCK_RAW, socket.CAN_RAW), TypeError);
  assert.throws(() => enc(socket.AF_CAN, [1], socket.SOCK_RAW, socket.CAN_RAW), TypeError);
  assert.throws(() => enc(socket.AF_CAN, ['l\0o'], socket.SOCK_RAW, socket.CAN_RAW), RangeError);
  assert.throws(() => enc(socket.AF_CAN, ['lo', 1], socket.SOCK_DGRAM, socket.CAN_ISOTP), TypeError);
  assert.throws(() => enc(socket.AF_CAN, ['lo', 'a', 2], socket.SOCK_DGRAM, socket.CAN_ISOTP), TypeError);
  assert.throws(() => enc(socket.AF_CAN, ['lo', 1, 2], socket.SOCK_DGRAM, 99),
    (e: unknown) => e instanceof socket.OSError && /unsupported CAN protocol/.test((e as Error).message));
});

test('ISO-TP address [ifname, rx_addr, tx_addr] round trip (ISOTPTest.testBind, encoding)', () => {
  const b = enc(socket.AF_CAN, ['lo', 0x123, 0x456], socket.SOCK_DGRAM, socket.CAN_ISOTP);
  assert.equal(u32(b, 8), 0x123);
  assert.equal(u32(b, 12), 0x456);
  // The kernel's ISO-TP names are 16 bytes long.
  assert.deepEqual(dec(b.subarray(0, 16)), ['lo', 0x123, 0x456]);
  // 'k' wraps modulo 2**64 and the field keeps 32 bits, as in CPython.
  assert.equal(u32(enc(socket.AF_CAN, ['', -1, 0], socket.SOCK_DGRAM, socket.CAN_ISOTP), 8), 0xffffffff);
});

test('J1939 address [ifname, name, pgn, addr] round trip (J1939Test.testBind, encoding)', () => {
  const addr = ['lo', socket.J1939_NO_NAME, socket.J1939_NO_PGN, socket.J1939_NO_ADDR];
  const b = enc(socket.AF_CAN, addr, socket.SOCK_DGRAM, socket.CAN_J1939);
  assert.deepEqual(dec(b), addr);
  // A 64-bit NAME with the top bit set survives as a bigint.
  const big = (1n << 63n) | 0x1234n;
  assert.deepEqual(dec(enc(socket.AF_CAN, ['', big, 0x1ff00, 0x80], socket.SOCK_DGRAM, socket.CAN_J1939)),
    ['', big, 0x1ff00, 0x80]);
  // 'B' keeps the low 8 bits of addr.
  assert.equal((dec(enc(socket.AF_CAN, ['', 0, 0, 0x1ff], socket.SOCK_DGRAM, socket.CAN_J1939)) as unknown[])[3], 0xff);
});

test('frame helpers build CPython\'s "=IB3x8s" can_frame (CANTest.build_can_frame)', () => {
  const cf = socket.build_can_frame(0x123, Buffer.from([1, 2, 3]));
  const expected = python<string>(
    'import struct,json;print(json.dumps(struct.pack("=IB3x8s",0x123,3,b"\\x01\\x02\\x03".ljust(8,b"\\x00")).hex()))');
  assert.equal(cf.toString('hex'), expected);
  assert.deepEqual(socket.dissect_can_frame(cf), [0x123, 3, Buffer.from([1, 2, 3])]);
  assert.throws(() => socket.build_can_frame(1, Buffer.alloc(9)), RangeError);
  assert.equal(socket.build_canfd_frame(1, Buffer.alloc(64)).length, 72);
});

test('BCM header matches CPython\'s bcm_cmd_msg_fmt (CANTest.testBCM, encoding)', () => {
  const msg = socket.build_bcm_msg({ opcode: socket.CAN_BCM_TX_SEND, can_id: 0x222 },
    [socket.build_can_frame(0x123, Buffer.from([0xc0, 0xff, 0xee]))]);
  const expected = python<string>([
    'import struct,json,socket',
    'fmt="@3I4l2I"; fmt+="0q"',
    'h=struct.pack(fmt, socket.CAN_BCM_TX_SEND, 0, 0, 0, 0, 0, 0, 0x222, 1)',
    'f=struct.pack("=IB3x8s",0x123,3,bytes([0xc0,0xff,0xee]).ljust(8,b"\\x00"))',
    'print(json.dumps((h+f).hex()))'].join('\n'));
  assert.equal(msg.toString('hex'), expected);
});

test('CAN sockets (BasicCANTest.testCreateSocket/testBindAny/testLoopback/testFilter)', { skip: canRaw ?? false }, () => {
  using s = socket.socket(socket.AF_CAN, socket.SOCK_RAW, socket.CAN_RAW);
  s.bind(['']);
  assert.deepEqual(s.getsockname(), ['']);
  assert.throws(() => s.bind(['x'.repeat(1024)]), /interface name too long/);
  for (const v of [0, 1]) {
    s.setsockopt(socket.SOL_CAN_RAW, socket.CAN_RAW_LOOPBACK, v);
    assert.equal(s.getsockopt(socket.SOL_CAN_RAW, socket.CAN_RAW_LOOPBACK), v);
  }
  const filter = Buffer.alloc(8);
  filter.writeUInt32LE(0x200, 0);
  filter.writeUInt32LE(0x700, 4);
  s.setsockopt(socket.SOL_CAN_RAW, socket.CAN_RAW_FILTER, filter);
  assert.deepEqual(s.getsockopt(socket.SOL_CAN_RAW, socket.CAN_RAW_FILTER, 8), filter);
});

test('CAN BCM socket (BasicCANTest.testCreateBCMSocket)', { skip: canBcm ?? false }, () => {
  socket.socket(socket.AF_CAN, socket.SOCK_DGRAM, socket.CAN_BCM).close();
});

test('ISO-TP socket binds to vcan0 (ISOTPTest.testBind)', { skip: isotp ?? false }, (t) => {
  using s = socket.socket(socket.AF_CAN, socket.SOCK_DGRAM, socket.CAN_ISOTP);
  try {
    s.bind(['vcan0', 0x123, 0x456]);
  } catch (e) {
    if ((e as socket.OSError).code === 'ENODEV') return t.skip('network interface vcan0 does not exist');
    throw e;
  }
  assert.deepEqual(s.getsockname(), ['vcan0', 0x123, 0x456]);
});

test('J1939 socket binds to vcan0 (J1939Test.testBind)', { skip: j1939 ?? false }, (t) => {
  using s = socket.socket(socket.AF_CAN, socket.SOCK_DGRAM, socket.CAN_J1939);
  const addr = ['vcan0', socket.J1939_NO_NAME, socket.J1939_NO_PGN, socket.J1939_NO_ADDR];
  try {
    s.bind(addr);
  } catch (e) {
    if ((e as socket.OSError).code === 'ENODEV') return t.skip('network interface vcan0 does not exist');
    throw e;
  }
  assert.deepEqual(s.getsockname(), addr);
});

// ---- AF_ALG ----------------------------------------------------------------------

const alg = skipReason(socket.AF_ALG, socket.SOCK_SEQPACKET, 0);

test('AF_ALG type and name lengths (LinuxKernelCryptoAPI.test_length_restriction, encoding)', () => {
  const b = enc(socket.AF_ALG, ['t'.repeat(13), 'name']);
  assert.deepEqual(dec(b), ['t'.repeat(13), 'name', 0, 0]);
  assert.throws(() => enc(socket.AF_ALG, ['t'.repeat(14), 'name']), (e: unknown) => e instanceof RangeError && /type too long/.test((e as Error).message));
  assert.deepEqual(dec(enc(socket.AF_ALG, ['type', 'n'.repeat(63)])), ['type', 'n'.repeat(63), 0, 0]);
  assert.throws(() => enc(socket.AF_ALG, ['type', 'n'.repeat(64)]), (e: unknown) => e instanceof RangeError && /name too long/.test((e as Error).message));
});

test('AF_ALG address shapes (getsockaddrarg "ss|HH")', () => {
  assert.throws(() => enc(socket.AF_ALG, 'hash'), /AF_ALG address must be tuple, not str/);
  assert.throws(() => enc(socket.AF_ALG, ['hash']), TypeError);
  assert.throws(() => enc(socket.AF_ALG, ['hash', 'sha256', 0, 0, 0]), TypeError);
  assert.throws(() => enc(socket.AF_ALG, ['hash', Buffer.from('sha256')]), TypeError);
  assert.throws(() => enc(socket.AF_ALG, ['hash', 'sha\u0000256']), RangeError);
  assert.deepEqual(dec(enc(socket.AF_ALG, ['aead', 'gcm(aes)', 1, 0x10005])), ['aead', 'gcm(aes)', 1, 5]);
});

test('sendmsg_afalg arguments (LinuxKernelCryptoAPI.test_sendmsg_afalg_args, ancillary half)', () => {
  assert.throws(() => socket.afalgAncillary(undefined as unknown as socket.AfalgOptions), TypeError);
  assert.throws(() => socket.afalgAncillary({ op: null as unknown as number }), TypeError);
  assert.throws(() => socket.afalgAncillary({ op: socket.ALG_OP_ENCRYPT, assoclen: null }), TypeError);
  assert.throws(() => socket.afalgAncillary({ op: socket.ALG_OP_ENCRYPT, assoclen: -1 }), TypeError);
  const iv = Buffer.from('3dafba429d9eb430b422da802c9fac41', 'hex');
  const items = socket.afalgAncillary({ op: socket.ALG_OP_ENCRYPT, iv, assoclen: 16 });
  const u32b = (n: number): Buffer => Buffer.from(new Uint32Array([n]).buffer);
  assert.deepEqual(items, [
    [socket.SOL_ALG, socket.ALG_SET_OP, u32b(socket.ALG_OP_ENCRYPT)],
    [socket.SOL_ALG, socket.ALG_SET_IV, Buffer.concat([u32b(16), iv])],
    [socket.SOL_ALG, socket.ALG_SET_AEAD_ASSOCLEN, u32b(16)],
  ]);
});

test('AF_ALG hash: bind, accept, send, recv (LinuxKernelCryptoAPI.test_sha256)', { skip: alg ?? false }, () => {
  using algo = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0);
  algo.bind(['hash', 'sha256']);
  const [op] = algo.accept();
  using o = op;
  o.sendall(Buffer.from('abc'));
  assert.equal(o.recv(512).toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('AF_ALG skcipher with sendmsg_afalg (LinuxKernelCryptoAPI.test_aes_cbc)', { skip: alg ?? false }, () => {
  using algo = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0);
  algo.bind(['skcipher', 'cbc(aes)']);
  algo.setsockopt(socket.SOL_ALG, socket.ALG_SET_KEY, Buffer.from('06a9214036b8a15b512e03d534120006', 'hex'));
  const [op] = algo.accept();
  using o = op;
  o.sendmsg_afalg([Buffer.from('Single block msg')],
    { op: socket.ALG_OP_ENCRYPT, iv: Buffer.from('3dafba429d9eb430b422da802c9fac41', 'hex') });
  assert.equal(o.recv(16).toString('hex'), 'e353779c1079aeb82708942dbe77181a');
});

test('AF_ALG unknown algorithm is FileNotFoundError (LinuxKernelCryptoAPI.test_length_restriction)', { skip: alg ?? false }, () => {
  using s = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0);
  assert.throws(() => s.bind(['t'.repeat(13), 'name']), socket.FileNotFoundError);
  assert.throws(() => s.bind(['type', 'n'.repeat(63)]), socket.FileNotFoundError);
});

// ---- AF_TIPC -----------------------------------------------------------------------

const tipc = skipReason(socket.AF_TIPC, socket.SOCK_RDM, 0);

test('TIPC addresses of each type (TIPCTest, encoding)', () => {
  assert.deepEqual(dec(enc(socket.AF_TIPC, [socket.TIPC_ADDR_NAMESEQ, 18888, 10, 20])),
    [socket.TIPC_ADDR_NAMESEQ, 18888, 10, 20, socket.TIPC_CLUSTER_SCOPE]);
  assert.deepEqual(dec(enc(socket.AF_TIPC, [socket.TIPC_ADDR_NAME, 18888, 15, 0, socket.TIPC_NODE_SCOPE])),
    [socket.TIPC_ADDR_NAME, 18888, 15, 15, socket.TIPC_NODE_SCOPE]);
  assert.deepEqual(dec(enc(socket.AF_TIPC, [socket.TIPC_ADDR_ID, 7, 8, 9])),
    [socket.TIPC_ADDR_ID, 7, 8, 0, socket.TIPC_CLUSTER_SCOPE]);
  assert.throws(() => enc(socket.AF_TIPC, [99, 1, 2, 3]), (e: unknown) => e instanceof TypeError && /Invalid address type/.test((e as Error).message));
  assert.throws(() => enc(socket.AF_TIPC, [socket.TIPC_ADDR_ID, 1, 2]), TypeError);
  assert.throws(() => enc(socket.AF_TIPC, 5), /AF_TIPC address must be tuple/);
});

test('TIPC RDM exchange (TIPCTest.testRDM)', { skip: tipc ?? false }, () => {
  using srv = socket.socket(socket.AF_TIPC, socket.SOCK_RDM);
  using cli = socket.socket(socket.AF_TIPC, socket.SOCK_RDM);
  srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind([socket.TIPC_ADDR_NAMESEQ, 18888, 10, 20]);
  cli.sendto(Buffer.from('Michael Gilfix was here\n'), [socket.TIPC_ADDR_NAME, 18888, 15, 0]);
  srv.settimeout(5);
  const [msg, from] = srv.recvfrom(1024);
  assert.equal(msg.toString(), 'Michael Gilfix was here\n');
  assert.deepEqual(cli.getsockname(), from);
});

// ---- AF_RDS ------------------------------------------------------------------------

const rds = skipReason(socket.AF_RDS, socket.SOCK_SEQPACKET, 0);

test('RDS addresses are sockaddr_in with family AF_RDS (BasicRDSTest, encoding)', () => {
  const b = enc(socket.AF_RDS, ['127.0.0.1', 4000]);
  assert.equal(u16(b, 0), socket.AF_RDS);
  assert.equal(b.readUInt16BE(2), 4000);
  assert.deepEqual(dec(b), ['127.0.0.1', 4000]);
  assert.throws(() => enc(socket.AF_RDS, ['127.0.0.1', 70000]), RangeError);
  assert.throws(() => enc(socket.AF_RDS, '127.0.0.1'), TypeError);
});

test('RDS socket buffer sizes and a datagram (BasicRDSTest/RDSTest.testSendAndRecv)', { skip: rds ?? false }, () => {
  using serv = socket.socket(socket.AF_RDS, socket.SOCK_SEQPACKET, 0);
  using cli = socket.socket(socket.AF_RDS, socket.SOCK_SEQPACKET, 0);
  serv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384);
  serv.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384);
  serv.bind(['127.0.0.1', 0]);
  cli.bind(['127.0.0.1', 0]);
  cli.sendto(Buffer.from('spam'), 0, serv.getsockname());
  serv.settimeout(5);
  const [data, addr] = serv.recvfrom(1024);
  assert.equal(data.toString(), 'spam');
  assert.deepEqual(addr, cli.getsockname());
});

// ---- AF_QIPCRTR ----------------------------------------------------------------------

const qrtr = skipReason(socket.AF_QIPCRTR, socket.SOCK_DGRAM, 0);

test('QIPCRTR addresses [node, port] (BasicQIPCRTRTest, encoding)', () => {
  assert.deepEqual(dec(enc(socket.AF_QIPCRTR, [1, 2])), [1, 2]);
  assert.deepEqual(dec(enc(socket.AF_QIPCRTR, [-2, 0])), [0xfffffffe, 0]);
  assert.throws(() => enc(socket.AF_QIPCRTR, [1]), /takes exactly 2 arguments \(1 given\)/);
  assert.throws(() => enc(socket.AF_QIPCRTR, 1), /AF_QIPCRTR address must be tuple, not int/);
});

test('QIPCRTR sockets (BasicQIPCRTRTest.testUnbound/testBindSock/testAutoBindSock)', { skip: qrtr ?? false }, () => {
  using s = socket.socket(socket.AF_QIPCRTR, socket.SOCK_DGRAM);
  assert.equal((s.getsockname() as number[])[1], 0);
  s.connect([123, 123]);
  assert.notEqual((s.getsockname() as number[])[1], 0);
});

// ---- AF_VSOCK ------------------------------------------------------------------------

const vsock = skipReason(socket.AF_VSOCK, socket.SOCK_STREAM, 0);

test('VSOCK constants (BasicVSOCKTest.testVSOCKConstants)', () => {
  for (const n of ['SO_VM_SOCKETS_BUFFER_SIZE', 'SO_VM_SOCKETS_BUFFER_MIN_SIZE', 'SO_VM_SOCKETS_BUFFER_MAX_SIZE',
    'VMADDR_CID_ANY', 'VMADDR_PORT_ANY', 'VMADDR_CID_HOST', 'VM_SOCKETS_INVALID_VERSION', 'IOCTL_VM_SOCKETS_GET_LOCAL_CID']) {
    assert.equal(typeof (socket as unknown as Record<string, unknown>)[n], 'number', n);
  }
});

test('VSOCK addresses [cid, port] round trip and validation (encoding)', () => {
  assert.deepEqual(dec(enc(socket.AF_VSOCK, [socket.VMADDR_CID_HOST, 1234])), [socket.VMADDR_CID_HOST, 1234]);
  // 'I' wraps as in CPython: -1 is VMADDR_CID_ANY.
  assert.deepEqual(dec(enc(socket.AF_VSOCK, [-1, -1])), [socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY]);
  assert.throws(() => enc(socket.AF_VSOCK, [1, 2, 3]), /getsockaddrarg\(\) takes exactly 2 arguments \(3 given\)/);
  assert.throws(() => enc(socket.AF_VSOCK, [1.5, 2]), TypeError);
  assert.throws(() => enc(socket.AF_VSOCK, { cid: 1 }), /AF_VSOCK address must be tuple/);
});

test('VSOCK bind to any cid/port gives a port, as Python (BasicVSOCKTest.testCreateSocket)', { skip: vsock ?? false }, () => {
  using s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM);
  s.bind([socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY]);
  const [cid, port] = s.getsockname() as [number, number];
  assert.equal(cid, socket.VMADDR_CID_ANY);
  assert.notEqual(port, socket.VMADDR_PORT_ANY);
  const py = python<[number, number]>('import socket,json\ns=socket.socket(socket.AF_VSOCK,socket.SOCK_STREAM)\n' +
    's.bind((socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY))\nprint(json.dumps(s.getsockname()))');
  assert.equal(py[0], cid);
});

test('VSOCK buffer size options (BasicVSOCKTest.testSocketBufferSize)', { skip: vsock ?? false }, () => {
  using s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM);
  const get = (o: number): number => s.getsockopt(socket.AF_VSOCK, o) as number;
  const origMax = get(socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE);
  const orig = get(socket.SO_VM_SOCKETS_BUFFER_SIZE);
  const origMin = get(socket.SO_VM_SOCKETS_BUFFER_MIN_SIZE);
  s.setsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE, origMax * 2);
  s.setsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_SIZE, orig * 2);
  s.setsockopt(socket.AF_VSOCK, socket.SO_VM_SOCKETS_BUFFER_MIN_SIZE, origMin * 2);
  assert.equal(get(socket.SO_VM_SOCKETS_BUFFER_MAX_SIZE), origMax * 2);
  assert.equal(get(socket.SO_VM_SOCKETS_BUFFER_SIZE), orig * 2);
  assert.equal(get(socket.SO_VM_SOCKETS_BUFFER_MIN_SIZE), origMin * 2);
});

// ---- AF_BLUETOOTH --------------------------------------------------------------------

test('Bluetooth address forms (BasicBluetoothTest)', { skip: socket.BTPROTO_RFCOMM === undefined ? 'BlueZ headers were not installed at build time: no BTPROTO_* constants, no Bluetooth codec' : false }, () => {
  const b = enc(socket.AF_BLUETOOTH, ['01:23:45:67:89:AB', 3], socket.SOCK_STREAM, socket.BTPROTO_RFCOMM);
  assert.deepEqual(dec(b), ['01:23:45:67:89:AB', 3]);
  assert.throws(() => enc(socket.AF_BLUETOOTH, ['nonsense', 3], socket.SOCK_STREAM, socket.BTPROTO_RFCOMM), socket.OSError);
});

test('sendmsg_afalg goes through sendmsg with its ancillary data (on UDP, which ignores SOL_ALG)', () => {
  using rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  rx.bind(['127.0.0.1', 0]);
  using tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);
  tx.connect(rx.getsockname());
  const n = tx.sendmsg_afalg([Buffer.from('afalg'), Buffer.from('!')], { op: socket.ALG_OP_ENCRYPT, iv: Buffer.alloc(16) });
  assert.equal(n, 6);
  rx.settimeout(5);
  assert.equal(rx.recv(64).toString(), 'afalg!');
  assert.throws(() => tx.sendmsg_afalg([Buffer.from('x')], { op: socket.ALG_OP_ENCRYPT, assoclen: -1 }), TypeError);
  assert.throws(() => (tx.sendmsg_afalg as unknown as (a: number) => number)(1), TypeError);
});
