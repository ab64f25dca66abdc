/**
 * A minimal AF_PACKET sniffer: five frames from an interface (default lo),
 * with the address the kernel reports for each. Needs CAP_NET_RAW (root).
 * Run: node .build/examples/packet-sniffer.js [IFACE]
 */
import * as socket from 'bsd-socket';

const iface = process.argv[2] ?? 'lo';
// socket()'s protocol is in network byte order for AF_PACKET; bind's is in host order.
const ETH_P_ALL_BE = ((socket.ETH_P_ALL & 0xff) << 8) | (socket.ETH_P_ALL >> 8);
using s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, ETH_P_ALL_BE);
s.bind([iface, socket.ETH_P_ALL]);
s.settimeout(5);
console.log('listening on', s.getsockname());
for (let i = 0; i < 5; i++) {
  let frame: Buffer;
  let addr: socket.SockAddr;
  try {
    [frame, addr] = s.recvfrom(65536);
  } catch (e) {
    if (e instanceof socket.TimeoutError) break;
    throw e;
  }
  const [ifname, proto, pkttype, hatype, hwaddr] = addr as [string, number, number, number, Buffer];
  console.log(`${ifname} proto 0x${proto.toString(16)} pkttype ${pkttype} hatype ${hatype} from ${hwaddr.toString('hex')}: ${frame.length} bytes`);
}
