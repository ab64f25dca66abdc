/**
 * The bsd-socket command-line tool, each subcommand run for real as a child
 * process on loopback: usage and exit codes, resolve, ifaces, routes,
 * listen/connect over TCP, UDP and Unix, ping (raw and refused datagram),
 * sniff on lo while a ping runs, and one-line errors instead of stacks.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';
import { skipReason } from './helpers/families.js';

checkNoLeaks();

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
// Under the sanitizer (npm run test:sanitize) each node starts several times
// slower: the time-bounded commands get longer bounds there.
const SLOW = process.env['BSD_SOCKET_SANITIZE'] !== undefined;
const BOUND_MS = SLOW ? 120_000 : 20_000;

function cli(args: string[], input?: string, timeout = BOUND_MS): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', input: input ?? '', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `bsd-socket listen ...`, resolves with the child and what it printed on 'listening on'. */
function startListener(args: string[]): Promise<{ done: Promise<{ code: number | null; stdout: string; stderr: string }>; where: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'listen', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill(), BOUND_MS);
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => {
      child.on('close', (code) => {
        clearTimeout(timer);
        res({ code, stdout, stderr });
      });
    });
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (\S+)/.exec(stderr);
      if (m) resolve({ done, where: m[1]! });
    });
    child.stdin.end('reply from listener\n');
    child.on('error', reject);
    void done.then((r) => { if (!/listening on/.test(r.stderr)) reject(new Error(`listener died: ${r.stderr}`)); });
  });
}

test('no command: usage on stdout, exit 2; --help exit 0; unknown command exit 2', () => {
  const none = cli([]);
  assert.equal(none.code, 2);
  assert.match(none.stdout, /usage: bsd-socket COMMAND/);
  assert.equal(cli(['--help']).code, 0);
  const bad = cli(['frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown command 'frobnicate'/);
  const badOpt = cli(['ping', '--bogus', '127.0.0.1']);
  assert.equal(badOpt.code, 2);
  assert.match(badOpt.stderr, /unknown option --bogus/);
});

test('resolve localhost prints a getaddrinfo table', () => {
  const r = cli(['resolve', 'localhost', '80', '-4']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^FAMILY\s+TYPE\s+PROTO\s+ADDRESS/);
  assert.match(r.stdout, /AF_INET\s+SOCK_STREAM\s+IPPROTO_TCP\s+127\.0\.0\.1:80/);
  const bad = cli(['resolve', 'no-such-host.invalid']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /gaierror/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});

test('ifaces lists lo with 127.0.0.1/8', () => {
  const r = cli(['ifaces']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d+: lo <[A-Z,]*LOOPBACK[A-Z,]*> mtu \d+/m);
  assert.match(r.stdout, /inet 127\.0\.0\.1\/8/);
});

test('routes prints the main table', () => {
  const r = cli(['routes', '-4', '--all']);
  assert.equal(r.code, 0, r.stderr);
  // The local table always holds loopback's route.
  assert.match(r.stdout, /127\.0\.0\.1\/32 dev lo table 255/);
});

test('listen/connect over TCP exchange both ways', async () => {
  const l = await startListener(['-b', '127.0.0.1', '0']);
  const port = l.where.split(':').pop()!;
  const c = cli(['connect', '127.0.0.1', port], 'hello from connect\n');
  const lr = await l.done;
  assert.equal(c.code, 0, c.stderr);
  assert.equal(lr.code, 0, lr.stderr);
  assert.equal(lr.stdout, 'hello from connect\n');
  assert.equal(c.stdout, 'reply from listener\n');
  assert.match(lr.stderr, /connection from 127\.0\.0\.1:\d+/);
});

// Its bounds are wall-clock waits across three node processes (-w: the wait
// for the first datagram and the idle time after it), which the sanitizer's
// slowdown on a loaded machine overran at 5 and at 30 s.
test('listen/connect over UDP', { skip: SLOW ? 'bounded by wall-clock waits between three node processes, which the sanitizer run overruns' : false }, async () => {
  // Generous: the client's node may take seconds to start on a loaded machine.
  const wait = '5';
  const l = await startListener(['-u', '-w', wait, '-b', '127.0.0.1', '0']);
  const port = l.where.split(':').pop()!;
  const c = cli(['connect', '-u', '-w', '2', '127.0.0.1', port], 'datagram from connect\n');
  const lr = await l.done;
  assert.equal(lr.code, 0, lr.stderr);
  assert.equal(lr.stdout, 'datagram from connect\n');
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.stdout, 'reply from listener\n');
});

test('listen/connect over a Unix stream socket (the path is removed afterwards)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bsdcli-'));
  try {
    const p = path.join(dir, 'sock');
    const l = await startListener(['-U', p]);
    const c = cli(['connect', '-U', p], 'over unix\n');
    const lr = await l.done;
    assert.equal(lr.stdout, 'over unix\n');
    assert.equal(c.stdout, 'reply from listener\n');
    assert.equal(spawnSync('test', ['-e', p]).status, 1, 'socket file removed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('connect to a closed port: one line, ConnectionRefusedError, exit 1', () => {
  using probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  probe.bind(['127.0.0.1', 0]);
  const port = (probe.getsockname() as [string, number])[1];
  const r = cli(['connect', '127.0.0.1', String(port)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^bsd-socket connect: ConnectionRefusedError: \[Errno \d+\]/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

const rawIcmp = skipReason(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP);

test('ping 127.0.0.1 prints replies and statistics like ping(8)', { skip: rawIcmp ?? false }, () => {
  const r = cli(['ping', '-c', '3', '-i', '0.2', '127.0.0.1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^PING 127\.0\.0\.1 \(127\.0\.0\.1\) 56\(84\) bytes of data/);
  assert.equal((r.stdout.match(/^64 bytes from 127\.0\.0\.1: icmp_seq=\d ttl=\d+ time=[\d.]+ ms$/gm) ?? []).length, 3);
  assert.match(r.stdout, /3 packets transmitted, 3 received, 0% packet loss/);
  assert.match(r.stdout, /rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms/);
});

test('ping -6 ::1', { skip: skipReason(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6) ?? false }, () => {
  const r = cli(['ping', '-6', '-c', '2', '-i', '0.2', '::1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 packets transmitted, 2 received, 0% packet loss/);
});

const dgramIcmp = skipReason(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP);

test('ping --dgram where ping_group_range refuses it explains the permission', { skip: dgramIcmp === null ? 'datagram ICMP is allowed here' : false }, () => {
  const r = cli(['ping', '--dgram', '-c', '1', '127.0.0.1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /PermissionError: .*CAP_NET_RAW.*ping_group_range/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

// A capture bounded by wall-clock time on the shared loopback: under the
// sanitizer the ping's node starts too late for it, among other tests' traffic.
const sniffSkip = SLOW ? 'a capture bounded by wall-clock time, which the sanitizer run overruns' : null;
test('sniff lo decodes the echo request and reply of a concurrent ping', { skip: (skipReason(socket.AF_PACKET, socket.SOCK_RAW, 0) ?? rawIcmp ?? sniffSkip) ?? false }, async () => {
  // Bounded by time only: other loopback traffic may come and go meanwhile.
  const child = spawn(process.execPath, [MAIN, 'sniff', 'lo', '-t', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  const done = new Promise<number | null>((res) => child.on('close', res));
  // Ping only once the capture socket is bound ('listening on lo' on stderr).
  await new Promise<void>((res) => {
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on lo')) res();
    });
    void done.then(() => res());
  });
  cli(['ping', '-c', '2', '-i', '0.2', '127.0.0.1']);
  const code = await done;
  assert.equal(code, 0);
  assert.match(stdout, /lo Out .*IP 127\.0\.0\.1 > 127\.0\.0\.1: ICMP echo request id \d+ seq 1, length 64/);
  assert.match(stdout, /lo In  .*IP 127\.0\.0\.1 > 127\.0\.0\.1: ICMP echo reply id \d+ seq 2, length 64/);
  assert.match(stdout, /^\d\d:\d\d:\d\d\.\d{6} lo /m);
});

test('sniff on a missing interface: OSError ENODEV, exit 1', { skip: skipReason(socket.AF_PACKET, socket.SOCK_RAW, 0) ?? false }, () => {
  const r = cli(['sniff', 'no-such-if0', '-c', '1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^bsd-socket sniff: OSError: \[Errno 19\]/);
});
