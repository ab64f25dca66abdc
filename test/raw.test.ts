/**
 * Raw IP: SOCK_RAW ICMP and ICMPv6 echo on loopback, IP_HDRINCL with a
 * hand-built IPv4 header, and the datagram ICMP socket (SOCK_DGRAM +
 * IPPROTO_ICMP), refused here by net.ipv4.ping_group_range and exercised in
 * a namespace of the test's own where the range is widened.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';
import { python } from './helpers/python.js';
import { netnsSkipReason, nsExec, runInNetns, withNetns } from './peers/families-ns.js';

checkNoLeaks();

const raw4 = skipReason(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
const raw6 = skipReason(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6);

function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (b.length % 2 === 1) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function echo(type: number, id: number, seq: number, payload: Buffer): Buffer {
  const b = Buffer.concat([Buffer.alloc(8), payload]);
  b[0] = type;
  b.writeUInt16BE(id, 4);
  b.writeUInt16BE(seq, 6);
  b.writeUInt16BE(checksum(b), 2);
  return b;
}

/** Receives until an ICMP(v6) message of `type` with `id` arrives (bounded). */
function awaitReply(s: socket.Socket, type: number, id: number, ipHeader: boolean): [Buffer, socket.SockAddr] {
  s.settimeout(5);
  for (let i = 0; i < 100; i++) {
    const [data, from] = s.recvfrom(65536);
    const off = ipHeader ? (data[0]! & 0x0f) * 4 : 0;
    if (data[off] === type && data.readUInt16BE(off + 4) === id) return [data.subarray(off), from];
  }
  throw new Error('no reply in 100 packets');
}

const ID = process.pid & 0xffff;

test('raw ICMP echo to 127.0.0.1 gets a reply from 127.0.0.1', { skip: raw4 ?? false }, () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
  const payload = Buffer.from('bsd-socket raw icmp');
  s.sendto(echo(socket.ICMP_ECHO, ID, 1, payload), ['127.0.0.1', 0]);
  const [reply, from] = awaitReply(s, socket.ICMP_ECHOREPLY, ID, true);
  assert.deepEqual(from, ['127.0.0.1', 0]);
  assert.equal(reply.readUInt16BE(6), 1);
  assert.deepEqual(reply.subarray(8), payload);
  assert.equal(checksum(reply), 0, 'the reply checksum verifies');
});

test('raw ICMPv6 echo to ::1 (the kernel computes the checksum)', { skip: raw6 ?? false }, () => {
  using s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6);
  const req = echo(socket.ICMP6_ECHO_REQUEST, ID, 2, Buffer.from('bsd-socket raw icmpv6'));
  req.writeUInt16BE(0, 2);
  s.sendto(req, ['::1', 0]);
  const [reply, from] = awaitReply(s, socket.ICMP6_ECHO_REPLY, ID, false);
  assert.equal((from as unknown[])[0], '::1');
  assert.equal(reply.readUInt16BE(6), 2);
  assert.equal(reply.subarray(8).toString(), 'bsd-socket raw icmpv6');
});

test('a raw socket\'s address form matches Python\'s', { skip: raw4 ?? false }, () => {
  using s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
  s.bind(['127.0.0.1', 0]);
  const py = python<unknown[]>('import socket,json\ns=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_ICMP)\n' +
    's.bind(("127.0.0.1",0))\nprint(json.dumps(s.getsockname()))');
  assert.deepEqual(s.getsockname(), py);
});

test('IP_HDRINCL: a hand-built IPv4 header carries an echo request', { skip: raw4 ?? false }, () => {
  using listener = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
  using s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW);
  // IPPROTO_RAW implies IP_HDRINCL; an ICMP raw socket starts without it.
  assert.equal(s.getsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL), 1);
  assert.equal(listener.getsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL), 0);
  s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1);
  const icmp = echo(socket.ICMP_ECHO, ID ^ 0x5a5a, 3, Buffer.from('hdrincl'));
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + icmp.length, 2);
  ip[8] = 64;
  ip[9] = socket.IPPROTO_ICMP;
  Buffer.from([127, 0, 0, 1]).copy(ip, 12);
  Buffer.from([127, 0, 0, 1]).copy(ip, 16);
  ip.writeUInt16BE(checksum(ip), 10);
  s.sendto(Buffer.concat([ip, icmp]), ['127.0.0.1', 0]);
  const [reply] = awaitReply(listener, socket.ICMP_ECHOREPLY, ID ^ 0x5a5a, true);
  assert.equal(reply.subarray(8).toString(), 'hdrincl');
});

test('datagram ICMP sockets follow net.ipv4.ping_group_range', () => {
  const range = readFileSync('/proc/sys/net/ipv4/ping_group_range', 'utf8').trim().split(/\s+/).map(Number);
  const gid = process.getgid?.() ?? 0;
  const allowed = range.length === 2 && gid >= range[0]! && gid <= range[1]!;
  const py = python<string>('import socket,json\ntry:\n  socket.socket(socket.AF_INET,socket.SOCK_DGRAM,socket.IPPROTO_ICMP).close(); print(json.dumps("ok"))\n' +
    'except OSError as e: print(json.dumps(type(e).__name__))');
  let ours = 'ok';
  try {
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP).close();
  } catch (e) {
    ours = (e as Error).constructor.name;
  }
  assert.equal(ours, py);
  assert.equal(ours === 'ok', allowed, `range ${range.join(' ')} and gid ${gid}`);
});

const nsSkip = netnsSkipReason();

test('datagram ICMP echo in a namespace with ping_group_range widened', { skip: nsSkip ?? false }, async () => {
  await withNetns('icmp', (ns) => {
    nsExec(ns, ['sysctl', '-q', '-w', 'net.ipv4.ping_group_range=0 2147483647']);
    const r = runInNetns(ns, 'icmpDatagram');
    assert.ok(r.ok, r.error);
    const v = r.value as { reply: { type: number; seq: number; from: unknown[] } | null };
    assert.ok(v.reply, 'an echo reply came back');
    assert.equal(v.reply.type, socket.ICMP_ECHOREPLY);
    assert.equal(v.reply.seq, 7);
    assert.equal(v.reply.from[0], '127.0.0.1');
  });
});
