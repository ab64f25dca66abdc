/**
 * AF_NETLINK: the [pid, groups] address (validation as Python's), NETLINK_*
 * protocols and options, the message helper (build/parse round trips), and
 * link/address/route dumps compared with the kernel's other views
 * (/sys/class/net, if_nametoindex and `ip -j`).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';
import { python } from './helpers/python.js';

checkNoLeaks();

const nl = socket.netlink;
const netlinkSkip = skipReason(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
const ipSkip = ((): string | null => {
  try {
    execFileSync('ip', ['-j', 'link', 'show'], { stdio: 'ignore' });
    return netlinkSkip;
  } catch {
    return 'iproute2 with JSON output (ip -j) is not available';
  }
})();
const ipJson = <T>(...args: string[]): T => JSON.parse(execFileSync('ip', ['-j', ...args], { encoding: 'utf8' })) as T;

test('message helper: build and parse round trip with attributes', () => {
  const attrs = [nl.buildAttribute(socket.IFLA_IFNAME, 'lo'), nl.buildAttribute(socket.IFLA_MTU, 1500),
    nl.buildAttribute(99, [nl.buildAttribute(1, Buffer.from([1, 2, 3]))])];
  const msg = nl.buildMessage(socket.RTM_NEWLINK, socket.NLM_F_REQUEST, 42, [nl.buildIfInfoMsg({ index: 7 }), ...attrs], 9);
  assert.equal(msg.length % 4, 0);
  const [m, ...rest] = nl.parseMessages(Buffer.concat([msg, msg]));
  assert.equal(rest.length, 1);
  assert.equal(m!.type, socket.RTM_NEWLINK);
  assert.equal(m!.seq, 42);
  assert.equal(m!.pid, 9);
  assert.equal(nl.parseIfInfoMsg(m!.payload).index, 7);
  const a = nl.attributeMap(nl.parseAttributes(m!.payload, nl.align4(nl.IFINFOMSG_LEN)));
  assert.equal(a.get(socket.IFLA_IFNAME)!.toString(), 'lo\0');
  assert.equal(a.get(socket.IFLA_MTU)!.readUInt32LE(0), 1500);
  const nested = nl.parseAttributes(a.get(99)!);
  assert.deepEqual(nested, [{ type: 1, data: Buffer.from([1, 2, 3]) }]);
  // Truncated input yields only the whole messages.
  assert.equal(nl.parseMessages(msg.subarray(0, msg.length - 4)).length, 0);
  assert.equal(nl.NLMSG_HDRLEN, socket.NLMSG_HDRLEN);
});

test('rtmsg and ifaddrmsg pack and unpack', () => {
  const r = { family: socket.AF_INET6, dstLen: 64, srcLen: 0, tos: 0, table: 254, protocol: 2, scope: 0, type: 1, flags: 0 };
  assert.deepEqual(nl.parseRtMsg(nl.buildRtMsg(r)), r);
  const a = { family: socket.AF_INET, prefixlen: 8, flags: 0x80, scope: 254, index: 1 };
  assert.deepEqual(nl.parseIfAddrMsg(nl.buildIfAddrMsg(a)), a);
});

test('bind [0, 0] gives the kernel-chosen [pid, groups], as Python', { skip: netlinkSkip ?? false }, () => {
  using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
  s.bind([0, socket.RTMGRP_LINK]);
  const [pid, groups] = s.getsockname() as [number, number];
  assert.ok(pid !== 0);
  assert.equal(groups, socket.RTMGRP_LINK);
  const py = python<[number, number]>('import socket,json\ns=socket.socket(socket.AF_NETLINK,socket.SOCK_RAW,socket.NETLINK_ROUTE)\n' +
    `s.bind((0, ${socket.RTMGRP_LINK}))\nprint(json.dumps(s.getsockname()))`);
  assert.equal(py[1], groups);
  assert.equal(typeof py[0], 'number');
});

test('netlink address validation matches Python\'s error classes', { skip: netlinkSkip ?? false }, () => {
  using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
  assert.throws(() => s.bind([1]), /AF_NETLINK address must be a pair \(pid, groups\)/);
  assert.throws(() => s.bind([0, 0, 0]), TypeError);
  assert.throws(() => s.bind('x'), /bind\(\): AF_NETLINK address must be tuple, not str/);
  assert.throws(() => s.bind(['a', 0]), /'str' object cannot be interpreted as an integer/);
  assert.throws(() => s.bind([1.5, 0]), TypeError);
  // 'I' wraps without an overflow check: -1 is pid 0xffffffff, which the kernel takes.
  s.bind([-1, 0]);
  assert.deepEqual(s.getsockname(), [0xffffffff, 0]);
});

test('every NETLINK_* protocol: socket creation agrees with Python', { skip: netlinkSkip ?? false }, () => {
  const names = Object.keys(socket).filter((k) => /^NETLINK_[A-Z0-9_]+$/.test(k)).filter((k) =>
    ['ROUTE', 'USERSOCK', 'FIREWALL', 'SOCK_DIAG', 'NFLOG', 'XFRM', 'SELINUX', 'ISCSI', 'AUDIT', 'FIB_LOOKUP',
      'CONNECTOR', 'NETFILTER', 'IP6_FW', 'DNRTMSG', 'KOBJECT_UEVENT', 'GENERIC', 'SCSITRANSPORT', 'ECRYPTFS',
      'RDMA', 'CRYPTO', 'SMC'].includes(k.slice('NETLINK_'.length)));
  assert.ok(names.length >= 10, names.join());
  const values = names.map((n) => (socket as unknown as Record<string, number>)[n]!);
  const py = python<string[]>(`import socket,json\nout=[]\nfor p in ${JSON.stringify(values)}:\n` +
    '  try: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, p).close(); out.append("ok")\n' +
    '  except OSError as e: out.append(str(e.errno))\nprint(json.dumps(out))');
  const ours = values.map((p) => {
    try {
      socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, p).close();
      return 'ok';
    } catch (e) {
      return String((e as socket.OSError).errno);
    }
  });
  assert.deepEqual(ours, py, names.join());
});

test('NETLINK_* options: EXT_ACK, ADD/DROP_MEMBERSHIP, LIST_MEMBERSHIPS', { skip: netlinkSkip ?? false }, () => {
  using s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE);
  s.bind([0, 0]);
  s.setsockopt(socket.SOL_NETLINK, socket.NETLINK_EXT_ACK, 1);
  assert.equal(s.getsockopt(socket.SOL_NETLINK, socket.NETLINK_EXT_ACK), 1);
  const group = 1; // RTNLGRP_LINK
  s.setsockopt(socket.SOL_NETLINK, socket.NETLINK_ADD_MEMBERSHIP, group);
  const list = s.getsockopt(socket.SOL_NETLINK, socket.NETLINK_LIST_MEMBERSHIPS, 4) as Buffer;
  assert.equal(list.readUInt32LE(0) & (1 << (group - 1)), 1 << (group - 1));
  s.setsockopt(socket.SOL_NETLINK, socket.NETLINK_DROP_MEMBERSHIP, group);
  assert.equal((s.getsockopt(socket.SOL_NETLINK, socket.NETLINK_LIST_MEMBERSHIPS, 4) as Buffer).readUInt32LE(0), 0);
});

test('an NLMSG_ERROR answer becomes the OSError of its errno', { skip: netlinkSkip ?? false }, () => {
  using s = nl.routeSocket();
  // RTM_GETLINK for an index no interface has.
  assert.throws(() => nl.request(s, socket.RTM_GETLINK, 0, [nl.buildIfInfoMsg({ index: 0x7ffffff0 })]),
    (e: unknown) => e instanceof socket.OSError && (e as socket.OSError).code === 'ENODEV');
});

test('link dump agrees with /sys/class/net and if_nametoindex', { skip: netlinkSkip ?? false }, () => {
  const links = nl.dumpLinks();
  const names = readdirSync('/sys/class/net').sort();
  assert.deepEqual(links.map((l) => l.name).sort(), names);
  for (const l of links) {
    assert.equal(Number(readFileSync(`/sys/class/net/${l.name}/ifindex`, 'utf8')), l.index, l.name);
    assert.equal(Number(readFileSync(`/sys/class/net/${l.name}/mtu`, 'utf8')), l.mtu, l.name);
    const exported = (socket as unknown as Record<string, unknown>)['if_nametoindex'];
    if (typeof exported === 'function') assert.equal((exported as (n: string) => number)(l.name), l.index);
  }
});

test('link and address dumps agree with ip -j', { skip: ipSkip ?? false }, () => {
  const ipLinks = ipJson<Array<{ ifindex: number; ifname: string; mtu: number; address?: string }>>('link', 'show');
  const links = nl.dumpLinks();
  assert.deepEqual(links.map((l) => [l.index, l.name, l.mtu, l.address]).sort(),
    ipLinks.map((l) => [l.ifindex, l.ifname, l.mtu, l.address ?? null]).sort());
  const ipAddrs = ipJson<Array<{ ifindex: number; addr_info: Array<{ family: string; local: string; prefixlen: number }> }>>('addr', 'show');
  const ours = nl.dumpAddresses().map((a) => [a.index, a.family === socket.AF_INET ? 'inet' : 'inet6', a.local ?? a.address, a.prefixlen]);
  const theirs = ipAddrs.flatMap((l) => l.addr_info.map((a) => [l.ifindex, a.family, a.local, a.prefixlen]));
  assert.deepEqual(ours.map(String).sort(), theirs.map(String).sort());
});

test('route dump of the main table agrees with ip -j route', { skip: ipSkip ?? false }, () => {
  for (const [family, flag] of [[socket.AF_INET, '-4'], [socket.AF_INET6, '-6']] as const) {
    const theirs = ipJson<Array<{ dst: string; gateway?: string; dev?: string }>>(flag, 'route', 'show', 'table', 'main')
      .map((r) => [r.dst, r.gateway ?? null, r.dev ?? null].join(' '));
    const ours = nl.dumpRoutes(family).filter((r) => r.tableId === socket.RT_TABLE_MAIN)
      // ip hides IPv6's unreachable catch-alls and cached clones; keep unicast routes (type 1).
      .filter((r) => family === socket.AF_INET || r.type === 1)
      .map((r) => {
        const dst = r.dstLen === 0 ? 'default' : r.dstLen === (family === socket.AF_INET ? 32 : 128) ? r.dst : `${r.dst}/${r.dstLen}`;
        const dev = r.oif === null ? null : readdirSync('/sys/class/net')
          .find((n) => Number(readFileSync(`/sys/class/net/${n}/ifindex`, 'utf8')) === r.oif) ?? null;
        return [dst, r.gateway, dev].join(' ');
      });
    assert.deepEqual(ours.sort(), theirs.sort(), flag);
  }
});
