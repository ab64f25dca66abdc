/**
 * ICMP echo over a raw socket, in a dozen lines: what `bsd-socket ping` does
 * underneath. Needs CAP_NET_RAW (root). Run: node .build/examples/raw-icmp-ping.js [HOST]
 */
import * as socket from 'bsd-socket';

function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const host = process.argv[2] ?? '127.0.0.1';
using s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);
s.settimeout(2);
const id = process.pid & 0xffff;
for (let seq = 1; seq <= 3; seq++) {
  const req = Buffer.alloc(8 + 32, 0x61);
  req[0] = socket.ICMP_ECHO;
  req[1] = 0;
  req.writeUInt16BE(0, 2);
  req.writeUInt16BE(id, 4);
  req.writeUInt16BE(seq, 6);
  req.writeUInt16BE(checksum(req), 2);
  const t0 = process.hrtime.bigint();
  s.sendto(req, [host, 0]);
  for (;;) {
    const [pkt, from] = s.recvfrom(1500);          // raw IPv4 sockets receive the IP header too
    const icmp = pkt.subarray((pkt[0]! & 0x0f) * 4);
    if (icmp[0] !== socket.ICMP_ECHOREPLY || icmp.readUInt16BE(4) !== id) continue;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`reply from ${String((from as [string, number])[0])}: seq=${icmp.readUInt16BE(6)} ttl=${pkt[8]} time=${ms.toFixed(3)} ms`);
    break;
  }
}
