/**
 * `bsd-socket listen` and `bsd-socket connect`: a small netcat over TCP, UDP
 * or Unix sockets. Standard input goes to the peer, what the peer sends goes
 * to standard output. The socket stays in blocking mode; the tool waits for
 * readability with poll(2) and lets Node read standard input in between.
 */
import { unlinkSync } from 'node:fs';
import * as socket from '../../index.js';
import { native } from '../../native.js';
import { type Args, UsageError, getaddrinfo, numberFlag, portArg } from './common.js';

export const listenUsage = 'listen [-u] [-4|-6] [-b HOST] PORT | listen -U PATH   accept one peer, netcat-like';
export const connectUsage = 'connect [-u] [-4|-6] HOST PORT | connect -U PATH   connect, netcat-like';

const POLLIN = native.pollEvents.POLLIN;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Endpoint {
  family: number;
  type: number;
  address: unknown;
  text: string;
}

function endpoint(args: Args, host: string | undefined, portText: string | undefined, passive: boolean): Endpoint {
  const udp = args.flags.has('-u');
  const type = udp ? socket.SOCK_DGRAM : socket.SOCK_STREAM;
  const unixPath = args.flags.get('-U');
  if (typeof unixPath === 'string') return { family: socket.AF_UNIX, type, address: unixPath, text: unixPath };
  const port = portArg(portText);
  const family = args.flags.has('-6') ? socket.AF_INET6 : args.flags.has('-4') ? socket.AF_INET : socket.AF_UNSPEC;
  const rows = getaddrinfo(host ?? (family === socket.AF_INET6 ? '::1' : '127.0.0.1'), port, family, type, 0,
    passive ? (socket.AI_PASSIVE ?? 0) : 0);
  const first = rows[0];
  if (first === undefined) throw new socket.OSError(`no address for ${host ?? ''}`);
  const addr = first[4] as unknown[];
  return { family: first[0], type, address: addr, text: first[0] === socket.AF_INET6 ? `[${String(addr[0])}]:${port}` : `${String(addr[0])}:${port}` };
}

function fmt(a: socket.SockAddr): string {
  if (Array.isArray(a)) return a.length >= 4 ? `[${String(a[0])}]:${String(a[1])}` : `${String(a[0])}:${String(a[1])}`;
  return typeof a === 'string' ? (a === '' ? '(unnamed)' : a) : String(a);
}

/**
 * Copies stdin to the socket and the socket to stdout until the peer closes
 * (streams) or, for datagrams, stdin has ended and `idle` seconds pass quietly.
 */
async function pump(sock: socket.Socket, udpPeer: unknown, idle: number | null): Promise<void> {
  const stream = sock.type === socket.SOCK_STREAM;
  let stdinDone = false;
  let peerDone = false;
  let failure: unknown = null;
  const onData = (chunk: Buffer): void => {
    try {
      if (udpPeer === null) sock.sendall(chunk);
      else sock.sendto(chunk, udpPeer);
    } catch (e) {
      failure = e;
    }
  };
  const onEnd = (): void => {
    stdinDone = true;
    if (stream) {
      try { sock.shutdown(socket.SHUT_WR); } catch { /* the peer may be gone already */ }
    }
  };
  process.stdin.on('data', onData);
  process.stdin.once('end', onEnd);
  let quietSince = Date.now();
  try {
    for (;;) {
      if (failure !== null) throw failure;
      const r = native.poll(sock.fileno(), POLLIN, 0);
      if (r > 0 && !peerDone) {
        const data = sock.recv(65536);
        if (stream && data.length === 0) {
          // The peer is done sending; ours may still be on its way in from
          // stdin (a pipe), so finish it unless stdin is a terminal.
          peerDone = true;
          if (stdinDone || process.stdin.isTTY) return;
          continue;
        }
        process.stdout.write(data);
        quietSince = Date.now();
        continue;
      }
      if (peerDone && stdinDone) return;
      if (!stream && stdinDone && (idle === null || Date.now() - quietSince >= idle * 1000)) return;
      if (stream && idle !== null && Date.now() - quietSince >= idle * 1000) return;
      await sleep(5);
    }
  } finally {
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
    process.stdin.pause();
    process.stdin.destroy();
  }
}

/** `listen`: binds, accepts one connection (or the first datagram's sender), then pumps. */
export async function listen(args: Args): Promise<number> {
  const port = args.positional[0];
  if (!args.flags.has('-U') && (args.positional.length !== 1)) throw new UsageError('listen takes PORT (or -U PATH)');
  const ep = endpoint(args, typeof args.flags.get('-b') === 'string' ? args.flags.get('-b') as string : undefined, port, true);
  const wait = args.flags.has('-w') ? numberFlag(args, '-w', 0, 0, 1e6) : null;
  using srv = socket.socket(ep.family, ep.type);
  if (ep.family !== socket.AF_UNIX) srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
  srv.bind(ep.address);
  try {
    const local = srv.getsockname();
    process.stderr.write(`listening on ${fmt(local)} (${ep.type === socket.SOCK_DGRAM ? 'udp' : ep.family === socket.AF_UNIX ? 'unix' : 'tcp'})\n`);
    srv.settimeout(wait);
    if (ep.type === socket.SOCK_DGRAM) {
      const [data, peer] = srv.recvfrom(65536);
      process.stderr.write(`datagram from ${fmt(peer)}\n`);
      process.stdout.write(data);
      srv.settimeout(null);
      await pump(srv, peer, wait ?? 1);
      return 0;
    }
    srv.listen(1);
    const [conn, peer] = srv.accept();
    using c = conn;
    c.settimeout(null);
    process.stderr.write(`connection from ${fmt(peer)}\n`);
    await pump(c, null, null);
    return 0;
  } finally {
    if (ep.family === socket.AF_UNIX && typeof ep.address === 'string' && !ep.address.startsWith('\0')) {
      try { unlinkSync(ep.address); } catch { /* already gone */ }
    }
  }
}

/** `connect`: connects (UDP: sets the default peer), then pumps. */
export async function connect(args: Args): Promise<number> {
  if (!args.flags.has('-U') && args.positional.length !== 2) throw new UsageError('connect takes HOST PORT (or -U PATH)');
  const ep = endpoint(args, args.positional[0], args.positional[1], false);
  const wait = args.flags.has('-w') ? numberFlag(args, '-w', 0, 0, 1e6) : null;
  using s = socket.socket(ep.family, ep.type);
  s.settimeout(wait);
  s.connect(ep.address);
  s.settimeout(null);
  process.stderr.write(`connected to ${ep.text}\n`);
  await pump(s, null, ep.type === socket.SOCK_DGRAM ? (wait ?? 1) : null);
  return 0;
}
