/** `bsd-socket resolve NAME [SERVICE] [-4|-6]`: the getaddrinfo(3) table. */
import * as socket from '../../index.js';
import { type Args, UsageError, constName, getaddrinfo, out } from './common.js';

export const usage = 'resolve NAME [SERVICE] [-4|-6]   getaddrinfo table of a name';

/** Prints one row per address: family, type, protocol, address. */
export function run(args: Args): number {
  const [name, service] = args.positional;
  if (name === undefined || args.positional.length > 2) throw new UsageError('resolve takes NAME [SERVICE]');
  const family = args.flags.has('-4') ? socket.AF_INET : args.flags.has('-6') ? socket.AF_INET6 : socket.AF_UNSPEC;
  const rows = getaddrinfo(name, service ?? null, family, 0, 0, socket.AI_CANONNAME ?? 0);
  const table = rows.map(([f, t, p, canon, addr]) => [
    constName('AF_', f), constName('SOCK_', t), constName('IPPROTO_', p, ['IPPROTO_IP', 'IPPROTO_TCP', 'IPPROTO_UDP']),
    Array.isArray(addr) ? (f === socket.AF_INET6 ? `[${String(addr[0])}]:${String(addr[1])}` : `${String(addr[0])}:${String(addr[1])}`) : String(addr),
    canon,
  ]);
  const head = ['FAMILY', 'TYPE', 'PROTO', 'ADDRESS', 'CANONNAME'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out(fmt(head));
  for (const r of table) out(fmt(r));
  return 0;
}
