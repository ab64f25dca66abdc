/**
 * The routing table over netlink, twice: once with the helper
 * (`socket.netlink.dumpRoutes`), once by hand with the message builder and
 * parser, to show what the helper does. Run: node .build/examples/netlink-routes.js
 */
import * as socket from 'bsd-socket';

const nl = socket.netlink;

// 1. The helper.
for (const r of nl.dumpRoutes(socket.AF_INET)) {
  if (r.tableId !== socket.RT_TABLE_MAIN) continue;
  console.log(`${r.dst === null ? 'default' : `${r.dst}/${r.dstLen}`}${r.gateway ? ` via ${r.gateway}` : ''} oif ${r.oif}`);
}

// 2. By hand: one RTM_GETROUTE dump request, messages until NLMSG_DONE.
using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
s.bind([0, 0]);
s.send(nl.buildMessage(socket.RTM_GETROUTE, socket.NLM_F_REQUEST | socket.NLM_F_DUMP, 1, [nl.buildRtMsg({ family: socket.AF_INET6 })]));
let done = false;
while (!done) {
  for (const m of nl.parseMessages(s.recv(1 << 16))) {
    if (m.type === socket.NLMSG_DONE) { done = true; break; }
    if (m.type === socket.NLMSG_ERROR) throw new Error(`netlink error ${nl.messageError(m)}`);
    const rt = nl.parseRtMsg(m.payload);
    const attrs = nl.attributeMap(nl.parseAttributes(m.payload, nl.align4(nl.RTMSG_LEN)));
    const dst = nl.addressText(rt.family, attrs.get(socket.RTA_DST)) ?? '::';
    console.log(`inet6 ${dst}/${rt.dstLen} table ${rt.table} type ${rt.type}`);
  }
}
