/**
 * `bsd-socket listen` and `bsd-socket connect`: a small netcat over TCP, UDP
 * or Unix sockets. Standard input goes to the peer, what the peer sends goes
 * to standard output. Set-up (bind, accept, connect) is blocking; the data
 * then flows through the Promise twins while Node reads standard input.
 */
import { unlinkSync } from 'node:fs';
import * as socket from '../../index.js';
import { type Args, UsageError, getaddrinfo, numberFlag, portArg } from './common.js';

export const listenUsage = 'listen [-u] [-4|-6] [-b HOST] PORT | listen -U PATH   accept one peer, netcat-like';
export const connectUsage = 'connect [-u] [-4|-6] HOST PORT | connect -U PATH   connect, netcat-like';


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

/** Resolves once `signal` is aborted (at once if it already is). */
function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * Copies stdin to the socket and the socket to stdout until the peer closes
 * (streams) or, for datagrams, stdin has ended and `idle` seconds pass quietly.
 * Receives through the Promise twin, so Node keeps reading stdin meanwhile;
 * stdin events wake the pending receive through an AbortSignal.
 */
async function pump(sock: socket.Socket, udpPeer: unknown, idle: number | null): Promise<void> {
  const stream = sock.type === socket.SOCK_STREAM;
  let stdinDone = false;
  let failure: unknown = null;
  let wake = new AbortController();
  const onData = (chunk: Buffer): void => {
    try {
      if (udpPeer === null) sock.sendall(chunk);
      else sock.sendto(chunk, udpPeer);
    } catch (e) {
      failure = e;
      wake.abort();
    }
  };
  const onEnd = (): void => {
    stdinDone = true;
    if (stream) {
      try { sock.shutdown(socket.SHUT_WR); } catch { /* the peer may be gone already */ }
    }
    wake.abort();
  };
  process.stdin.on('data', onData);
  process.stdin.once('end', onEnd);
  try {
    let peerDone = false;
    for (;;) {
      if (failure !== null) throw failure;
      if (peerDone) {
        // The peer is done sending; ours may still be on its way in from
        // stdin (a pipe), so finish it unless stdin is a terminal.
        if (stdinDone || process.stdin.isTTY) return;
        await whenAborted(wake.signal);
        wake = new AbortController();
        continue;
      }
      if (!stream && stdinDone && idle === null) return;
      const timed = idle !== null && (stream || stdinDone);
      const signal = timed ? AbortSignal.any([wake.signal, AbortSignal.timeout(idle * 1000)]) : wake.signal;
      let data: Buffer;
      try {
        data = await sock.async.recv(65536, { signal });
      } catch (e) {
        if (!(e instanceof socket.async.AbortError)) throw e;
        if (!wake.signal.aborted) return; // quiet for `idle` seconds
        wake = new AbortController();
        continue;
      }
      if (stream && data.length === 0) {
        peerDone = true;
        continue;
      }
      process.stdout.write(data);
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
