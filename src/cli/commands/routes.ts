/** `bsd-socket routes [-4|-6] [--all]`: the routing table from a netlink dump, `ip route`-like. */
import * as socket from '../../index.js';
import { interfaceName } from '../../families.js';
import { type Args, UsageError, out } from './common.js';

export const usage = 'routes [-4|-6] [--all]        routing table (netlink dump; --all: every table)';

/** Prints the main table's routes (every table with --all). */
export function run(args: Args): number {
  if (args.positional.length > 0) throw new UsageError('routes takes no arguments');
  const families = args.flags.has('-4') ? [socket.AF_INET] : args.flags.has('-6') ? [socket.AF_INET6]
    : [socket.AF_INET, socket.AF_INET6];
  const all = args.flags.has('--all');
  using nl = socket.netlink.routeSocket();
  for (const family of families) {
    for (const r of socket.netlink.dumpRoutes(family, nl)) {
      if (!all && r.tableId !== socket.RT_TABLE_MAIN) continue;
      const dst = r.dst === null && r.dstLen === 0 ? 'default' : `${r.dst ?? '?'}/${r.dstLen}`;
      const parts = [dst];
      if (r.gateway) parts.push(`via ${r.gateway}`);
      if (r.oif !== null) parts.push(`dev ${interfaceName(r.oif) ?? r.oif}`);
      if (all) parts.push(`table ${r.tableId}`);
      parts.push(`proto ${r.protocol}`, `scope ${r.scope}`);
      if (r.prefsrc) parts.push(`src ${r.prefsrc}`);
      if (r.priority !== null) parts.push(`metric ${r.priority}`);
      out(parts.join(' '));
    }
  }
  return 0;
}
