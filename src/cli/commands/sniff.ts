/**
 * `bsd-socket sniff IFACE`: captures frames with an AF_PACKET socket and
 * prints one decoded line per frame (Ethernet, ARP, IPv4/IPv6 with ICMP,
 * TCP and UDP), bounded by a count and/or a time.
 */
import * as socket from '../../index.js';
import { type Args, UsageError, numberFlag, out, tick } from './common.js';

export const usage = 'sniff IFACE [-c COUNT] [-t SECS] [--proto all|ip|ip6|arp]   AF_PACKET capture, one line per frame';

const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** htons: the protocol argument of socket(AF_PACKET, ...) is in network order. */
const htons = (n: number): number => (LE ? ((n & 0xff) << 8) | ((n >> 8) & 0xff) : n);

const ipText = (b: Buffer, v6: boolean): string => {
  const r = socket.netlink.addressText(v6 ? socket.AF_INET6 : socket.AF_INET, b);
  return r ?? '?';
};
const mac = (b: Buffer): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');

function l4(proto: number, b: Buffer, v6: boolean): string {
  if ((!v6 && proto === socket.IPPROTO_ICMP) || (v6 && proto === socket.IPPROTO_ICMPV6)) {
    if (b.length < 4) return 'ICMP (truncated)';
    const type = b[0]!;
    const req = v6 ? socket.ICMP6_ECHO_REQUEST : socket.ICMP_ECHO;
    const rep = v6 ? socket.ICMP6_ECHO_REPLY : socket.ICMP_ECHOREPLY;
    const name = v6 ? 'ICMP6' : 'ICMP';
    if ((type === req || type === rep) && b.length >= 8) {
      return `${name} echo ${type === req ? 'request' : 'reply'} id ${b.readUInt16BE(4)} seq ${b.readUInt16BE(6)}, length ${b.length}`;
    }
    return `${name} type ${type} code ${b[1]!}, length ${b.length}`;
  }
  if (proto === socket.IPPROTO_TCP && b.length >= 14) {
    const flags = b[13]!;
    const f = [[0x02, 'S'], [0x10, '.'], [0x01, 'F'], [0x04, 'R'], [0x08, 'P']]
      .filter(([bit]) => (flags & (bit as number)) !== 0).map(([, c]) => c).join('');
    const hl = ((b[12]! >> 4) & 0xf) * 4;
    return `TCP ${b.readUInt16BE(0)} > ${b.readUInt16BE(2)} [${f}] seq ${b.readUInt32BE(4)}, length ${Math.max(0, b.length - hl)}`;
  }
  if (proto === socket.IPPROTO_UDP && b.length >= 8) {
    return `UDP ${b.readUInt16BE(0)} > ${b.readUInt16BE(2)}, length ${b.readUInt16BE(4) - 8}`;
  }
  return `proto ${proto}, length ${b.length}`;
}

/** One line for a frame: addresses and the protocols inside. */
export function describeFrame(frame: Buffer, ethertype: number, hasEthernet: boolean): string {
  let off = 0;
  let type = ethertype;
  let link = '';
  if (hasEthernet && frame.length >= 14) {
    link = `${mac(frame.subarray(6, 12))} > ${mac(frame.subarray(0, 6))} `;
    type = frame.readUInt16BE(12);
    off = 14;
    if (type === socket.ETH_P_8021Q && frame.length >= 18) {
      link += `vlan ${frame.readUInt16BE(14) & 0xfff} `;
      type = frame.readUInt16BE(16);
      off = 18;
    }
  }
  const p = frame.subarray(off);
  if (type === socket.ETH_P_IP && p.length >= 20) {
    const ihl = (p[0]! & 0x0f) * 4;
    const total = Math.min(p.readUInt16BE(2), p.length);
    return `${link}IP ${ipText(p.subarray(12, 16), false)} > ${ipText(p.subarray(16, 20), false)}: ${l4(p[9]!, p.subarray(ihl, total), false)}`;
  }
  if (type === socket.ETH_P_IPV6 && p.length >= 40) {
    const end = Math.min(40 + p.readUInt16BE(4), p.length);
    return `${link}IP6 ${ipText(p.subarray(8, 24), true)} > ${ipText(p.subarray(24, 40), true)}: ${l4(p[6]!, p.subarray(40, end), true)}`;
  }
  if (type === socket.ETH_P_ARP && p.length >= 28) {
    const op = p.readUInt16BE(6);
    const spa = ipText(p.subarray(14, 18), false);
    const tpa = ipText(p.subarray(24, 28), false);
    return `${link}ARP ${op === 1 ? `who-has ${tpa} tell ${spa}` : op === 2 ? `reply ${spa} is-at ${mac(p.subarray(8, 14))}` : `op ${op}`}`;
  }
  return `${link}ethertype 0x${type.toString(16).padStart(4, '0')}, length ${frame.length}`;
}

function pktTypeName(t: number): string {
  if (t === socket.PACKET_HOST) return 'In ';
  if (t === socket.PACKET_OUTGOING) return 'Out';
  if (t === socket.PACKET_BROADCAST) return 'B  ';
  if (t === socket.PACKET_MULTICAST) return 'M  ';
  if (t === socket.PACKET_OTHERHOST) return 'P  ';
  return String(t).padEnd(3);
}

/** Wall-clock time of day with microseconds (HH:MM:SS.uuuuuu, local time). */
function clock(): string {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const d = new Date(Math.floor(us / 1000));
  return `${d.toTimeString().slice(0, 8)}.${String(us % 1_000_000).padStart(6, '0')}`;
}

/** Captures until COUNT frames or SECS seconds, whichever first (default: 10 frames). */
export async function run(args: Args): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('sniff takes one IFACE');
  const iface = args.positional[0]!;
  const count = numberFlag(args, '-c', args.flags.has('-t') ? 0 : 10, 0, 1e9);
  const secs = args.flags.has('-t') ? numberFlag(args, '-t', 0, 0.001, 1e6) : null;
  const which = args.flags.get('--proto') ?? 'all';
  const protos: Record<string, number> = { all: socket.ETH_P_ALL, ip: socket.ETH_P_IP, ip6: socket.ETH_P_IPV6, arp: socket.ETH_P_ARP };
  const proto = typeof which === 'string' ? protos[which] : undefined;
  if (proto === undefined) throw new UsageError(`--proto must be one of ${Object.keys(protos).join(', ')}`);
  let s: socket.Socket;
  try {
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, htons(proto));
  } catch (e) {
    if (e instanceof socket.PermissionError) {
      throw new socket.PermissionError(e.errno ?? 1, `${e.strerror ?? e.message}: capturing with AF_PACKET needs CAP_NET_RAW (run as root or grant the capability)`, { syscall: 'socket' });
    }
    throw e;
  }
  using sock = s;
  sock.bind([iface, proto]);
  process.stderr.write(`listening on ${iface} (${typeof which === 'string' ? which : 'all'})\n`);
  const deadline = secs === null ? Infinity : Date.now() + secs * 1000;
  let seen = 0;
  while (count === 0 || seen < count) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    sock.settimeout(Math.min(left, 250) / 1000);
    let frame: Buffer;
    let from: socket.SockAddr;
    try {
      [frame, from] = sock.recvfrom(65536);
    } catch (e) {
      if (e instanceof socket.TimeoutError) {
        await tick();
        continue;
      }
      throw e;
    }
    const a = from as [string, number, number, number, Buffer];
    seen++;
    out(`${clock()} ${a[0]} ${pktTypeName(a[2])} ${describeFrame(frame, a[1], a[4].length === 6)}`);
  }
  process.stderr.write(`${seen} packet${seen === 1 ? '' : 's'} captured\n`);
  return 0;
}
