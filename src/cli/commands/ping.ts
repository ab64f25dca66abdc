/**
 * `bsd-socket ping HOST`: ICMP / ICMPv6 echo like ping(8). It uses an
 * unprivileged datagram ICMP socket (SOCK_DGRAM + IPPROTO_ICMP, allowed by
 * net.ipv4.ping_group_range) when it can, else a raw socket (CAP_NET_RAW).
 */
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import * as socket from '../../index.js';
import { type Args, UsageError, getaddrinfo, numberFlag, out, tick } from './common.js';

export const usage = 'ping [-4|-6] [-c COUNT] [-i SECS] [-W SECS] [-s SIZE] [--raw|--dgram] HOST   ICMP echo';

/** The Internet checksum (RFC 1071) of `b`. */
export function inetChecksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (b.length % 2 === 1) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An echo request: type, code 0, checksum, id, seq, then `size` payload bytes. */
export function echoRequest(v6: boolean, id: number, seq: number, size: number): Buffer {
  const b = Buffer.alloc(8 + size);
  b[0] = v6 ? socket.ICMP6_ECHO_REQUEST : socket.ICMP_ECHO;
  b.writeUInt16BE(id & 0xffff, 4);
  b.writeUInt16BE(seq & 0xffff, 6);
  for (let i = 0; i < size; i++) b[8 + i] = (0x10 + i) & 0xff;
  // The kernel computes ICMPv6 checksums, and ICMP ones on datagram sockets;
  // computing it anyway is harmless and right for raw IPv4.
  if (!v6) b.writeUInt16BE(inetChecksum(b), 2);
  return b;
}

interface Reply { seq: number; id: number; ttl: number | null; bytes: number }

/** Parses a received packet; null when it is not an echo reply (our own request on lo, other ICMP). */
export function parseReply(v6: boolean, raw: boolean, pkt: Buffer): Reply | null {
  let off = 0;
  let ttl: number | null = null;
  if (raw && !v6) {
    if (pkt.length < 20) return null;
    off = (pkt[0]! & 0x0f) * 4;
    ttl = pkt[8]!;
  }
  if (pkt.length < off + 8) return null;
  const type = pkt[off]!;
  if (type !== (v6 ? socket.ICMP6_ECHO_REPLY : socket.ICMP_ECHOREPLY)) return null;
  return { id: pkt.readUInt16BE(off + 4), seq: pkt.readUInt16BE(off + 6), ttl, bytes: pkt.length - off };
}

function pingGroupRange(): string {
  try {
    return readFileSync('/proc/sys/net/ipv4/ping_group_range', 'utf8').trim().replace(/\s+/, ' ');
  } catch {
    return 'unknown';
  }
}

/** Opens the ICMP socket: datagram first unless --raw, raw as the fallback. */
function openIcmp(family: number, mode: 'auto' | 'raw' | 'dgram'): { sock: socket.Socket; raw: boolean } {
  const proto = family === socket.AF_INET6 ? socket.IPPROTO_ICMPV6 : socket.IPPROTO_ICMP;
  const tries: Array<[number, boolean]> = mode === 'raw' ? [[socket.SOCK_RAW, true]]
    : mode === 'dgram' ? [[socket.SOCK_DGRAM, false]] : [[socket.SOCK_DGRAM, false], [socket.SOCK_RAW, true]];
  let last: unknown = null;
  for (const [type, raw] of tries) {
    try {
      return { sock: socket.socket(family, type, proto), raw };
    } catch (e) {
      last = e;
      if (!(e instanceof socket.PermissionError)) throw e;
    }
  }
  const err = last as socket.OSError;
  throw new socket.PermissionError(err.errno ?? 1,
    `${err.strerror ?? err.message}: ping needs CAP_NET_RAW (run as root or setcap cap_net_raw+ep on node) ` +
    `for a raw ICMP socket, or this user's group inside net.ipv4.ping_group_range (now '${pingGroupRange()}') ` +
    'for a datagram ICMP socket', { syscall: 'socket' });
}

/** Sends COUNT echo requests and prints each reply and the statistics. Exit 0 if any reply came back. */
export async function run(args: Args): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('ping takes one HOST');
  const host = args.positional[0]!;
  const count = numberFlag(args, '-c', 4, 0, 1e9);
  const interval = numberFlag(args, '-i', 1, 0.01, 3600);
  const waitLast = numberFlag(args, '-W', 2, 0, 3600);
  const size = numberFlag(args, '-s', 56, 0, 65000);
  const mode = args.flags.has('--raw') ? 'raw' : args.flags.has('--dgram') ? 'dgram' : 'auto';
  const want = args.flags.has('-6') ? socket.AF_INET6 : args.flags.has('-4') ? socket.AF_INET : socket.AF_UNSPEC;
  const first = getaddrinfo(host, null, want, socket.SOCK_RAW)[0] ?? getaddrinfo(host, null, want)[0];
  if (first === undefined) throw new socket.OSError(`no address for ${host}`);
  const family = first[0];
  const v6 = family === socket.AF_INET6;
  const dest = first[4] as unknown[];
  const addrText = String(dest[0]);
  const { sock, raw } = openIcmp(family, mode);
  using s = sock;
  const id = raw ? process.pid & 0xffff : 0;
  out(`PING ${host} (${addrText}) ${size}(${size + 8 + (v6 ? 40 : 20)}) bytes of data${raw ? '' : ' (datagram ICMP socket)'}.`);

  let interrupted = false;
  const onInt = (): void => { interrupted = true; };
  process.on('SIGINT', onInt);
  const sent = new Map<number, bigint>();
  const rtts: number[] = [];
  let transmitted = 0;
  const start = process.hrtime.bigint();
  try {
    for (let seq = 1; (count === 0 || seq <= count) && !interrupted; seq++) {
      const pkt = echoRequest(v6, id, seq, size);
      sent.set(seq & 0xffff, process.hrtime.bigint());
      s.sendto(pkt, v6 ? [addrText, 0, 0, dest[3] ?? 0] : [addrText, 0]);
      transmitted++;
      const last = count !== 0 && seq === count;
      const until = Date.now() + (last ? waitLast : interval) * 1000;
      while (!interrupted) {
        const left = until - Date.now();
        if (left <= 0 || (last && rtts.length === transmitted)) break;
        s.settimeout(Math.min(left, 200) / 1000);
        let data: Buffer;
        let from: socket.SockAddr;
        try {
          [data, from] = s.recvfrom(65536);
        } catch (e) {
          if (e instanceof socket.TimeoutError) {
            await tick();
            continue;
          }
          throw e;
        }
        const r = parseReply(v6, raw, data);
        if (r === null || (raw && r.id !== id)) continue;
        const t0 = sent.get(r.seq);
        if (t0 === undefined) continue;
        sent.delete(r.seq);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        rtts.push(ms);
        const src = Array.isArray(from) ? String(from[0]) : addrText;
        out(`${r.bytes} bytes from ${src}: icmp_seq=${r.seq}${r.ttl !== null ? ` ttl=${r.ttl}` : ''} time=${ms.toFixed(3)} ms`);
        await tick();
      }
    }
  } finally {
    process.off('SIGINT', onInt);
  }
  const total = Number(process.hrtime.bigint() - start) / 1e6;
  const loss = transmitted === 0 ? 0 : ((transmitted - rtts.length) / transmitted) * 100;
  out(`--- ${host} ping statistics ---`);
  out(`${transmitted} packets transmitted, ${rtts.length} received, ${Number(loss.toFixed(1))}% packet loss, time ${Math.round(total)}ms`);
  if (rtts.length > 0) {
    const min = Math.min(...rtts);
    const max = Math.max(...rtts);
    const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
    const mdev = Math.sqrt(rtts.reduce((a, b) => a + (b - avg) ** 2, 0) / rtts.length);
    out(`rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${mdev.toFixed(3)} ms`);
  }
  return rtts.length > 0 ? 0 : 1;
}
