/**
 * Child-process half of the tests that need their own network namespace
 * (test/packet.test.ts, test/raw.test.ts): run as
 * `ip netns exec NS node families-netns.js FUNCTION`, it prints one JSON
 * line with the result. The namespace (veth pair va <-> vb, lo) is made and
 * deleted by the test; everything here is bounded by socket timeouts.
 */
import { readFileSync } from 'node:fs';
import * as socket from 'bsd-socket';

const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const htons = (n: number): number => (LE ? ((n & 0xff) << 8) | ((n >> 8) & 0xff) : n);
const MARK = Buffer.from('bsd-socket packet test');

/** Receives until `match` accepts a frame or the bounded attempts run out. */
function recvMatching(s: socket.Socket, match: (b: Buffer) => boolean): [Buffer, socket.SockAddr] | null {
  s.settimeout(3);
  for (let i = 0; i < 200; i++) {
    let got: [Buffer, socket.SockAddr];
    try {
      got = s.recvfrom(65536);
    } catch (e) {
      if (e instanceof socket.TimeoutError) return null;
      throw e;
    }
    if (match(got[0])) return got;
  }
  return null;
}

/** A raw Ethernet frame out of va arrives on vb, with both addresses decoded. */
export function packetAcrossVeth(): unknown {
  using rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, htons(socket.ETH_P_ALL));
  rx.bind(['vb', socket.ETH_P_ALL]);
  const vbName = rx.getsockname() as [string, number, number, number, Buffer];
  using tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0);
  tx.bind(['va', 0]);
  const vaName = tx.getsockname() as [string, number, number, number, Buffer];
  const frame = Buffer.concat([vbName[4], vaName[4], Buffer.from([socket.ETH_P_IP >> 8, socket.ETH_P_IP & 0xff]), MARK]);
  const sent = tx.sendto(frame, ['va', socket.ETH_P_IP]);
  const got = recvMatching(rx, (b) => b.includes(MARK));
  // The datagram flavour: the kernel builds the link header from the address.
  using drx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, htons(socket.ETH_P_IP));
  drx.bind(['vb', socket.ETH_P_IP]);
  using dtx = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0);
  dtx.sendto(MARK, ['va', socket.ETH_P_IP, 0, 0, vbName[4]]);
  const dgot = recvMatching(drx, (b) => b.equals(MARK));
  return {
    vbName: [vbName[0], vbName[1], vbName[2], vbName[3], vbName[4].toString('hex')],
    vaName: [vaName[0], vaName[1], vaName[2], vaName[3], vaName[4].toString('hex')],
    sent,
    frameLen: frame.length,
    got: got && { len: got[0].length, from: fmt(got[1]) },
    dgram: dgot && { data: dgot[0].toString(), from: fmt(dgot[1]) },
  };
}

/** PACKET_ADD_MEMBERSHIP with PACKET_MR_PROMISC puts vb in promiscuous mode while the socket holds it (index from a netlink dump). */
export function packetMembership(): unknown {
  // The device's own flags (sysfs, remounted for the namespace by `ip netns
  // exec`): netlink's ifi_flags only show promiscuity a user asked for.
  const promisc = (): boolean => (Number(readFileSync('/sys/class/net/vb/flags', 'utf8').trim()) & socket.IFF_PROMISC) !== 0;
  const before = promisc();
  const index = socket.netlink.dumpLinks().find((x) => x.name === 'vb')!.index;
  const mreq = Buffer.alloc(16); // struct packet_mreq: int ifindex, u16 type, u16 alen, u8 address[8]
  mreq.writeInt32LE(index, 0);
  mreq.writeUInt16LE(socket.PACKET_MR_PROMISC, 4);
  let during: boolean;
  {
    using s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, htons(socket.ETH_P_ALL));
    s.setsockopt(socket.SOL_PACKET, socket.PACKET_ADD_MEMBERSHIP, mreq);
    during = promisc();
    s.setsockopt(socket.SOL_PACKET, socket.PACKET_AUXDATA, 1);
  }
  return { before, during, after: promisc() };
}

/** An unprivileged-style ICMP datagram socket echo to 127.0.0.1 (the namespace widened ping_group_range). */
export function icmpDatagram(): unknown {
  using s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP);
  const req = Buffer.alloc(8 + 16);
  req[0] = socket.ICMP_ECHO;
  req.writeUInt16BE(7, 6);
  MARK.copy(req, 8, 0, 16);
  s.sendto(req, ['127.0.0.1', 0]);
  const got = recvMatching(s, (b) => b[0] === socket.ICMP_ECHOREPLY);
  return { reply: got && { type: got[0][0], seq: got[0].readUInt16BE(6), from: fmt(got[1]) } };
}

function fmt(a: socket.SockAddr): unknown {
  return Array.isArray(a) ? a.map((x) => (Buffer.isBuffer(x) ? x.toString('hex') : x)) : a;
}

const fn = process.argv[2];
const table: Record<string, () => unknown> = { packetAcrossVeth, packetMembership, icmpDatagram };
if (fn !== undefined && table[fn] !== undefined) {
  try {
    process.stdout.write(`${JSON.stringify({ ok: true, value: table[fn]!() })}\n`);
  } catch (e) {
    const err = e as socket.OSError;
    process.stdout.write(`${JSON.stringify({ ok: false, error: `${err.name}: ${err.message}`, code: err.code })}\n`);
  }
}
