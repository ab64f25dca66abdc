/** `bsd-socket ifaces`: interfaces (index, name, flags, MTU, link address) and their addresses, from netlink. */
import * as socket from '../../index.js';
import { type Args, UsageError, out } from './common.js';

export const usage = 'ifaces                        interfaces and addresses (netlink dump)';

const FLAG_NAMES = ['UP', 'BROADCAST', 'LOOPBACK', 'POINTOPOINT', 'RUNNING', 'MULTICAST', 'PROMISC'];

/** `<UP,LOOPBACK,RUNNING>` for an IFF_* bit set, from the constants that exist. */
export function flagText(flags: number): string {
  const names: string[] = [];
  for (const n of FLAG_NAMES) {
    const v = (socket as unknown as Record<string, number | undefined>)[`IFF_${n}`];
    if (v !== undefined && (flags & v) !== 0) names.push(n);
  }
  return `<${names.join(',')}>`;
}

/** Prints each interface and its addresses, `ip addr`-like. */
export function run(args: Args): number {
  if (args.positional.length > 0) throw new UsageError('ifaces takes no arguments');
  using nl = socket.netlink.routeSocket();
  const links = socket.netlink.dumpLinks(nl);
  const addrs = socket.netlink.dumpAddresses(socket.AF_UNSPEC, nl);
  for (const l of links.sort((a, b) => a.index - b.index)) {
    out(`${l.index}: ${l.name} ${flagText(l.flags)} mtu ${l.mtu ?? '?'}${l.address ? ` link ${l.address}` : ''}`);
    for (const a of addrs.filter((x) => x.index === l.index)) {
      const fam = a.family === socket.AF_INET ? 'inet' : a.family === socket.AF_INET6 ? 'inet6' : String(a.family);
      const local = a.local ?? a.address;
      const peer = a.local !== null && a.address !== null && a.local !== a.address ? ` peer ${a.address}` : '';
      out(`    ${fam} ${local}/${a.prefixlen}${peer}${a.broadcast ? ` brd ${a.broadcast}` : ''} scope ${a.scope}`);
    }
  }
  return 0;
}
