/**
 * Name services: a differential corpus against python3 on the same machine
 * (same C library, same /etc files), run through the sync functions and
 * through their thread-pool twins, and GeneralModuleTests' resolver tests
 * (test_socket: testGetaddrinfo, test_getaddrinfo_ipv6_*, test_getnameinfo*,
 * test_host_resolution*, testHostnameRes, testGetServBy, test_getfqdn_*,
 * test_flowinfo, testInterpreterCrash).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as socket from 'bsd-socket';
import * as socketAsync from 'bsd-socket/async';
import { checkNoLeaks } from './helpers/fds.js';
import { python } from './helpers/python.js';
import { runPeer } from './helpers/peer.js';
import {
  type Case, type Outcome, assertSameOutcomes, decode, outcome, outcomeAsync, pythonOutcomes,
} from './helpers/differential.js';

checkNoLeaks();

const {
  AF_INET, AF_INET6, AF_UNSPEC, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, IPPROTO_TCP, IPPROTO_UDP,
  AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV, AI_V4MAPPED, AI_ALL, AI_ADDRCONFIG,
  NI_NUMERICHOST, NI_NUMERICSERV, NI_NAMEREQD, NI_NOFQDN, NI_DGRAM,
} = socket;

// ---- the corpus ------------------------------------------------------------

/** Every name /etc/hosts gives, plus its addresses. */
function etcHosts(): string[] {
  const out = new Set<string>();
  for (const line of readFileSync('/etc/hosts', 'utf8').split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/).filter((f) => f !== '');
    for (const f of fields) out.add(f);
  }
  return [...out].slice(0, 20);
}

const LO = socket.if_nameindex()[0]![1]; // the loopback's name ('lo' on Linux)
const HOSTS = etcHosts();
const FLAGS_AI = [0, AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV, AI_V4MAPPED, AI_ALL,
  AI_ADDRCONFIG, AI_V4MAPPED | AI_ALL, AI_PASSIVE | AI_CANONNAME, -1, 0x4000];
const FLAGS_NI = [0, NI_NUMERICHOST, NI_NUMERICSERV, NI_NAMEREQD, NI_NOFQDN, NI_DGRAM,
  NI_NUMERICHOST | NI_NUMERICSERV, NI_NAMEREQD | NI_NUMERICSERV, -1];

const c = (fn: string, ...args: unknown[]): Case => ({ fn, args });
const tuple = (...xs: unknown[]): unknown => ({ tuple: xs });
const bytes = (s: string): unknown => ({ bytes: Buffer.from(s, 'latin1').toString('hex') });
const big = (s: string): unknown => ({ int: s });

// The corpus stays off the network: names come from /etc/hosts, reverse
// look-ups are of its addresses (or numeric), so the answers do not depend on
// a DNS server. A few names that do reach the configured resolver (only to be
// refused) are in dnsCorpus().
function corpus(): Case[] {
  const cases: Case[] = [];
  const hosts: unknown[] = [...HOSTS, null, '', '127.0.0.1', '0.0.0.0', '::1', '::', '::ffff:127.0.0.1',
    '127.1', '1.2.3', '0x7f.1', '255.255.255.255', `fe80::1%${LO}`, 'fe80::1%1', `::1%${LO}`,
    'FF02::1DE:C0:FACE:8D%' + LO, 'fe80::1%nosuchif', 'a..b', 'x'.repeat(64) + '.com', 'LOCALHOST',
    'a\0b', 'local\udc80host', bytes('localhost'), bytes('127.0.0.1'), 1, 1.5, true, [] as unknown[]];
  const ports: unknown[] = [80, 0, 65535, 65536, 70000, -1, 'http', 'daytime', 'domain', '80', 'nosuchservice',
    '', null, 1.5, true, bytes('80'), big('9223372036854775807'), big('9223372036854775808'), '\udc80', 'h\0ttp'];
  for (const h of hosts) cases.push(c('getaddrinfo', h, 80));
  for (const h of [...HOSTS.slice(0, 3), '127.0.0.1', '::1', null]) {
    for (const p of ports) cases.push(c('getaddrinfo', h, p));
  }
  for (const f of [AF_UNSPEC, AF_INET, AF_INET6, 12345, 2 ** 31, -(2 ** 31) - 1, 1.5, 'x']) {
    for (const t of [0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, 999]) {
      cases.push(c('getaddrinfo', 'localhost', 'http', f, t));
      cases.push(c('getaddrinfo', '::1', 80, f, t));
    }
  }
  for (const p of [0, IPPROTO_TCP, IPPROTO_UDP, 132, 255, 'tcp']) {
    cases.push(c('getaddrinfo', '127.0.0.1', 80, 0, 0, p));
    cases.push(c('getaddrinfo', '127.0.0.1', 80, 0, SOCK_STREAM, p));
  }
  for (const fl of FLAGS_AI) {
    for (const [h, p] of [[null, 80], ['localhost', 'http'], ['127.0.0.1', '80'], [null, null], ['::1', 'http'],
      [HOSTS[0], 0]] as Array<[unknown, unknown]>) {
      cases.push(c('getaddrinfo', h, p, 0, SOCK_STREAM, 0, fl));
      cases.push(c('getaddrinfo', h, p, AF_INET6, 0, 0, fl));
    }
  }
  // getnameinfo: every NI_* flag on an /etc/hosts address; other addresses
  // with NI_NUMERICHOST (no reverse look-up); every malformed argument.
  const named: unknown[] = [tuple('127.0.0.1', 80), tuple('127.0.0.1', 0), tuple('127.0.0.1', 13),
    tuple('127.0.0.1', 70000), tuple('127.0.0.1', -1), tuple('127.0.0.1', 'http'), tuple('127.0.0.1', 80, 0),
    tuple('127.0.0.1'), tuple('127.0.0.1', 80, 0, 0, 0), tuple('localhost', 80), tuple(HOSTS[0], 80),
    tuple('x', 0, 0, 0), tuple('127.0.0.1', 2 ** 31), tuple(1, 80), tuple(bytes('127.0.0.1'), 80),
    tuple('a\0b', 80), tuple('::1', 80, 1.5), tuple('::1', 80, 0x100000, 0), tuple('::1', 80, -1, 0),
    '127.0.0.1', null, 5];
  const numeric: unknown[] = [tuple('127.0.0.2', 80), tuple('0.0.0.0', 53), tuple('::1', 80), tuple('::1', 80, 0, 0),
    tuple('::1', 80, 0xfffff, 0), tuple('::1', 80, 2 ** 32, 0), tuple('fe80::1', 80, 0, 1),
    tuple('fe80::1', 80, 0, 2 ** 32 + 1), tuple('ff02::1de:c0:face:8D', 1234, 0, 1), tuple('fe80::1', 80, 0, 9999),
    tuple(`fe80::1%${LO}`, 80), tuple('::ffff:127.0.0.1', 80)];
  for (const sa of named) {
    for (const fl of FLAGS_NI) cases.push(c('getnameinfo', sa, fl));
  }
  for (const sa of numeric) {
    for (const fl of FLAGS_NI) {
      if (fl !== -1 && (fl & NI_NUMERICHOST) !== 0) cases.push(c('getnameinfo', sa, fl));
    }
  }
  cases.push(c('getnameinfo', tuple('127.0.0.1', 80), 2 ** 31));
  cases.push(c('getnameinfo', tuple('127.0.0.1', 80), 'x'));
  // gethostby*: /etc/hosts names and addresses, literals, wildcard, broadcast, wrong types.
  const names: unknown[] = [...HOSTS, '', '127.0.0.1', '127.1', bytes('localhost'), bytes('127.0.0.1'),
    null, 1, 'a\0b', 'a..b'];
  for (const n of names) cases.push(c('gethostbyname', n), c('gethostbyname_ex', n), c('gethostbyaddr', n));
  for (const n of ['<broadcast>', '255.255.255.255', '10.0.0.1', '::1', '::', `fe80::1%${LO}`]) {
    cases.push(c('gethostbyname', n));
  }
  for (const n of ['10.0.0.1', '255.255.255.255']) cases.push(c('gethostbyname_ex', n));
  for (const n of [...HOSTS, '', '0.0.0.0', '::', '  localhost ', '127.0.0.1', 5]) cases.push(c('getfqdn', n));
  // services and protocols (/etc/services, /etc/protocols)
  for (const s of ['http', 'daytime', 'domain', 'ssh', 'smtp', 'nosuchservice', '', 'HTTP', 'a\0b', 5, bytes('http')]) {
    cases.push(c('getservbyname', s), c('getservbyname', s, 'tcp'), c('getservbyname', s, 'udp'),
      c('getservbyname', s, 'nosuchproto'));
  }
  for (const p of [13, 22, 25, 53, 80, 443, 0, 1, 9999, 65535, 65536, -1, 2 ** 31, 1.5, '80', true]) {
    cases.push(c('getservbyport', p), c('getservbyport', p, 'tcp'), c('getservbyport', p, 'udp'));
  }
  for (const p of ['tcp', 'udp', 'icmp', 'ipv6-icmp', 'TCP', 'nosuchproto', '', 'a\0b', 6, bytes('tcp')]) {
    cases.push(c('getprotobyname', p));
  }
  return cases;
}

/** Names that reach the configured DNS resolver, only to be refused there. */
function dnsCorpus(): Case[] {
  return [c('getaddrinfo', 'nonexistent.invalid', 80), c('getaddrinfo', 'nonexistent.invalid', 80, AF_INET, SOCK_STREAM),
    c('getaddrinfo', '0.1.1.~1', 80, AF_INET), c('getaddrinfo', '300.1.1.1', 80, AF_INET),
    c('getaddrinfo', 'bücher.invalid', 80, AF_INET), c('gethostbyname', 'nonexistent.invalid'),
    c('gethostbyname', '0.1.1.~1'), c('gethostbyname', '1+.1.1.1'), c('gethostbyname_ex', 'nonexistent.invalid'),
    c('getfqdn', 'nonexistent.invalid')];
}

const CASES = [...corpus(), ...dnsCorpus()];
const PY = pythonOutcomes(CASES);

type Fn = (...a: unknown[]) => unknown;
const syncFns = socket as unknown as Record<string, Fn>;
const asyncFns = socketAsync as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;

test(`differential: ${CASES.length} resolver calls give python3's results and errors`, () => {
  const ours = CASES.map((k) => outcome(() => syncFns[k.fn]!(...(decode(k.args) as unknown[]))));
  assertSameOutcomes(CASES, ours, PY);
});

test('differential: the thread-pool twins give the same results as python3', async () => {
  // Sequential: each answer must not depend on how many look-ups share the pool.
  const ours: Outcome[] = [];
  for (const k of CASES) ours.push(await outcomeAsync(() => asyncFns[k.fn]!(...(decode(k.args) as unknown[]))));
  assertSameOutcomes(CASES, ours, PY, 'async: ');
});

test('the twins run concurrently on the thread pool and agree with the sync forms', async () => {
  const sample = CASES.filter((_, i) => i % 7 === 0);
  const ours = await Promise.all(sample.map((k) => outcomeAsync(() => asyncFns[k.fn]!(...(decode(k.args) as unknown[])))));
  const sync = sample.map((k) => outcome(() => syncFns[k.fn]!(...(decode(k.args) as unknown[]))));
  assert.deepEqual(ours, sync);
});

// ---- GeneralModuleTests ----------------------------------------------------

test('getaddrinfo: entries, filters, AI_PASSIVE wildcards (test_socket: testGetaddrinfo)', () => {
  const all = socket.getaddrinfo('localhost', 80);
  assert.ok(all.length > 0);
  for (const [fam, type, proto, canon, sa] of all) {
    assert.ok(fam === AF_INET || fam === AF_INET6);
    assert.equal(typeof type, 'number');
    assert.equal(typeof proto, 'number');
    assert.equal(canon, '');
    assert.equal(sa[1], 80);
    assert.equal(sa.length, fam === AF_INET ? 2 : 4);
  }
  // A numeric host with no type filter: one STREAM/TCP, DGRAM/UDP and RAW/0 entry.
  const kinds = socket.getaddrinfo('127.0.0.1', 80).map(([, t, p]) => [t, p]);
  assert.deepEqual(kinds, [[SOCK_STREAM, IPPROTO_TCP], [SOCK_DGRAM, IPPROTO_UDP], [SOCK_RAW, 0]]);
  for (const [fam] of socket.getaddrinfo('localhost', 80, AF_INET)) assert.equal(fam, AF_INET);
  for (const [, type] of socket.getaddrinfo('localhost', 80, 0, SOCK_STREAM)) assert.equal(type, SOCK_STREAM);
  const passive = socket.getaddrinfo(null, 0, AF_UNSPEC, SOCK_STREAM, 0, AI_PASSIVE).map((e) => e[4]);
  assert.deepEqual(passive.find((a) => a.length === 2), ['0.0.0.0', 0]);
  assert.deepEqual(passive.find((a) => a.length === 4), ['::', 0, 0, 0]);
  assert.throws(() => socket.getaddrinfo('localhost', 'http', 0, SOCK_STREAM, 0, AI_NUMERICSERV), socket.gaierror);
  assert.throws(() => socket.getaddrinfo('localhost', '\udc80'), RangeError);
  assert.throws(() => socket.getaddrinfo('localhost', 1.5 as unknown as number), (e: unknown) =>
    e instanceof socket.OSError && e.message === 'Int or String expected');
  assert.throws(() => socket.getaddrinfo(5 as unknown as string, 80), TypeError);
  const e = (() => {
    try {
      socket.getaddrinfo('nonexistent.invalid', 80);
    } catch (err) {
      return err;
    }
    return null;
  })();
  assert.ok(e instanceof socket.gaierror && e instanceof socket.OSError);
  assert.equal((e as socket.gaierror).errno, socket.EAI_NONAME);
  assert.equal((e as socket.gaierror).code, 'EAI_NONAME');
});

test('getaddrinfo turns %ifname into the scope id and lower-cases (test_socket: test_getaddrinfo_ipv6_scopeid_symbolic)', () => {
  const idx = socket.if_nametoindex(LO);
  const [[fam, , , , sa]] = socket.getaddrinfo(`ff02::1de:c0:face:8D%${LO}`, 1234, AF_INET6, SOCK_DGRAM, IPPROTO_UDP) as
    [socket.AddrInfo];
  assert.equal(fam, AF_INET6);
  assert.deepEqual(sa, ['ff02::1de:c0:face:8d', 1234, 0, idx]);
  // test_getaddrinfo_ipv6_scopeid_numeric: '%<index>' works the same.
  const [[, , , , sa2]] = socket.getaddrinfo(`ff02::1de:c0:face:8D%${idx}`, 1234, AF_INET6, SOCK_DGRAM, IPPROTO_UDP) as
    [socket.AddrInfo];
  assert.deepEqual(sa2, ['ff02::1de:c0:face:8d', 1234, 0, idx]);
  // test_getaddrinfo_ipv6_basic
  const [[, , , , sa3]] = socket.getaddrinfo('ff02::1de:c0:face:8D', 1234, AF_INET6, SOCK_DGRAM, IPPROTO_UDP) as
    [socket.AddrInfo];
  assert.deepEqual(sa3, ['ff02::1de:c0:face:8d', 1234, 0, 0]);
});

test('getnameinfo shows the scope id as %ifname (test_socket: test_getnameinfo_ipv6_scopeid_symbolic)', () => {
  const idx = socket.if_nametoindex(LO);
  const sa = ['ff02::1de:c0:face:8D', 1234, 0, idx];
  assert.deepEqual(socket.getnameinfo(sa, NI_NUMERICHOST | NI_NUMERICSERV), [`ff02::1de:c0:face:8d%${LO}`, '1234']);
});

test('getnameinfo needs a numeric host and an array (test_socket: test_getnameinfo, testInterpreterCrash)', () => {
  assert.throws(() => socket.getnameinfo(['localhost', 80], 0), socket.gaierror);
  assert.throws(() => socket.getnameinfo('127.0.0.1' as unknown as unknown[], 0),
    { name: 'TypeError', message: 'getnameinfo() argument 1 must be a tuple' });
  assert.throws(() => socket.getnameinfo(['x', 0, 0, 0], -1), socket.OSError);
  assert.throws(() => socket.getnameinfo(['127.0.0.1', 80, 0], 0),
    { message: 'IPv4 sockaddr must be 2 tuple' });
});

test('flowinfo beyond 20 bits is refused (test_socket: test_flowinfo)', () => {
  assert.throws(() => socket.getnameinfo(['::1', 0, 0xffffffff, 0], 0),
    { name: 'RangeError', message: 'getnameinfo(): flowinfo must be 0-1048575.' });
  assert.deepEqual(socket.getnameinfo(['::1', 80, 0xfffff, 0], NI_NUMERICHOST | NI_NUMERICSERV), ['::1', '80']);
});

test('gethostbyname and friends on literals and bad addresses (test_socket: test_host_resolution, _bad_address)', () => {
  for (const addr of ['0.0.0.0', '10.0.0.1', '255.255.255.255']) assert.equal(socket.gethostbyname(addr), addr);
  for (const addr of ['0.1.1.~1', '1+.1.1.1', '::1q', '::1::2', '1:1:1:1:1:1:1:1:1']) {
    assert.throws(() => socket.gethostbyname(addr), socket.OSError, addr);
    assert.throws(() => socket.gethostbyaddr(addr), socket.OSError, addr);
  }
  assert.ok(socket.gethostbyaddr('127.0.0.1')[2].includes('127.0.0.1'));
  assert.deepEqual(socket.gethostbyname_ex('10.0.0.1'), ['10.0.0.1', [], ['10.0.0.1']]);
  assert.throws(() => socket.gethostbyname(null as unknown as string), TypeError);
});

test('the host name resolves to one of its own addresses (test_socket: testHostnameRes)', () => {
  const hostname = socket.gethostname();
  let ip: string;
  try {
    ip = socket.gethostbyname(hostname);
  } catch (e) {
    assert.ok(e instanceof socket.OSError);
    return; // CPython skips too: the name may not resolve.
  }
  assert.ok(ip.includes('.'));
  const [hname, aliases, ipaddrs] = socket.gethostbyaddr(ip);
  const all = [hname, ...aliases];
  const fqdn = socket.getfqdn(ip);
  assert.ok(all.includes(fqdn) || fqdn === ip, `${fqdn} not in ${JSON.stringify(all)}`);
  assert.ok(ipaddrs.includes(ip));
});

test('getservbyname/getservbyport round-trip (test_socket: testGetServBy)', () => {
  let found: [string, number, string] | null = null;
  for (const name of ['daytime', 'qotd', 'domain']) {
    for (const proto of ['tcp', 'udp']) {
      try {
        found = [name, socket.getservbyname(name, proto), proto];
        break;
      } catch (e) {
        assert.ok(e instanceof socket.OSError);
      }
    }
    if (found) break;
  }
  assert.ok(found, 'no well-known service in /etc/services');
  const [name, port, proto] = found;
  assert.equal(socket.getservbyname(name), port);
  assert.equal(socket.getservbyport(port, proto), name);
  assert.equal(socket.getservbyport(port), name);
  assert.throws(() => socket.getservbyport(-1), { name: 'RangeError', message: 'getservbyport: port must be 0-65535.' });
  assert.throws(() => socket.getservbyport(65536), RangeError);
  assert.throws(() => socket.getservbyname('nosuchservice'), { message: 'service/proto not found' });
  assert.equal(socket.getprotobyname('tcp'), IPPROTO_TCP);
});

test('herror carries the h_errno of this very call (CPython may show a stale one)', () => {
  // glibc's gethostbyname_r sets its out-parameter to HOST_NOT_FOUND for
  // '<broadcast>' but leaves the thread's h_errno alone, so CPython shows
  // whatever the previous look-up on that thread left there.
  for (const name of ['', '<broadcast>', '']) {
    const want = name === '' ? 3 : 1; // NO_RECOVERY for '', HOST_NOT_FOUND otherwise
    assert.throws(() => socket.gethostbyname_ex(name), (e: unknown) =>
      e instanceof socket.herror && e.errno === want && e.code === 'EHOSTLOOKUP');
  }
});

test('getfqdn() is the same for no name, 0.0.0.0 and :: (test_socket: test_getfqdn_filter_localhost)', () => {
  assert.equal(socket.getfqdn(), socket.getfqdn('0.0.0.0'));
  assert.equal(socket.getfqdn(), socket.getfqdn('::'));
});

// ---- the twins -------------------------------------------------------------

test('async twins: look-ups, failing ones included, run off the event loop', async () => {
  // With 256 jobs on the pool, the loop reaches its check phase (setImmediate)
  // while most are still pending; a blocking implementation would have
  // settled them all before.
  let settled = 0;
  let settledAtImmediate = -1;
  const jobs = Array.from({ length: 256 }, (_, i) =>
    (i % 2 ? socketAsync.getaddrinfo('localhost', 80) : socketAsync.getaddrinfo('localhost', 'nosuchservice'))
      .finally(() => settled++));
  setImmediate(() => {
    settledAtImmediate = settled;
  });
  const results = await Promise.allSettled(jobs);
  assert.ok(settledAtImmediate >= 0 && settledAtImmediate < jobs.length,
    `the loop ran only after ${settledAtImmediate} of ${jobs.length} look-ups settled`);
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (i % 2) assert.equal(r.status, 'fulfilled');
    else {
      assert.equal(r.status, 'rejected');
      const e = (r as PromiseRejectedResult).reason as socket.gaierror;
      assert.ok(e instanceof socket.gaierror);
      assert.equal(e.errno, socket.EAI_SERVICE);
    }
  }
});

test('async twins: bad arguments reject (not throw) with the sync form\'s error', async () => {
  const p = socketAsync.getaddrinfo(5 as unknown as string, 80);
  assert.ok(p instanceof Promise);
  await assert.rejects(p, TypeError);
  await assert.rejects(socketAsync.getservbyport(70000), RangeError);
  await assert.rejects(socketAsync.getnameinfo(['::1', 0, 0xffffffff, 0], 0), RangeError);
  await assert.rejects(socketAsync.gethostbyaddr(''), { message: 'wildcard resolved to multiple address' });
});

test('async twins: options take the place of trailing positionals; an aborted signal rejects with AbortError', async () => {
  const ac = new AbortController();
  assert.deepEqual(await socketAsync.getaddrinfo('127.0.0.1', 80, { signal: ac.signal }),
    socket.getaddrinfo('127.0.0.1', 80));
  assert.deepEqual(await socketAsync.getaddrinfo('127.0.0.1', 80, AF_INET, SOCK_STREAM, { signal: ac.signal }),
    socket.getaddrinfo('127.0.0.1', 80, AF_INET, SOCK_STREAM));
  assert.equal(await socketAsync.getservbyname('http', { signal: ac.signal }), socket.getservbyname('http'));
  const reason = new Error('stop');
  ac.abort(reason);
  await assert.rejects(socketAsync.getaddrinfo('localhost', 80, { signal: ac.signal }),
    (e: unknown) => e instanceof socketAsync.AbortError && e.cause === reason);
  const ac2 = new AbortController();
  const p = socketAsync.gethostbyname('localhost', { signal: ac2.signal });
  ac2.abort();
  await assert.rejects(p, socketAsync.AbortError);
  await assert.rejects(socketAsync.getaddrinfo('localhost', 80, { signal: 5 as unknown as AbortSignal }), TypeError);
});

test('the sync resolver works in a worker thread', async () => {
  const r = await runPeer('connect', 'resolveInWorker', ['localhost', 80]).done;
  assert.deepEqual(r, JSON.parse(JSON.stringify(socket.getaddrinfo('localhost', 80))));
});

test('getaddrinfo agrees with python on AI_CANONNAME for every /etc/hosts name', () => {
  const py = python<Array<[number, number, number, string, unknown[]]>[]>(`
import json, socket
print(json.dumps([[list(x[:4]) + [list(x[4])] for x in socket.getaddrinfo(h, 0, 0, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)]
  for h in ${JSON.stringify(HOSTS.filter((h) => /^[\x21-\x7e]+$/.test(h)))}]))`);
  const ours = HOSTS.filter((h) => /^[\x21-\x7e]+$/.test(h))
    .map((h) => socket.getaddrinfo(h, 0, 0, SOCK_STREAM, 0, AI_CANONNAME).map((e) => [...e.slice(0, 4), [...e[4]]]));
  assert.deepEqual(ours, py);
});
