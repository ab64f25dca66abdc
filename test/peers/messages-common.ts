/**
 * The transport matrix of the sendmsg/recvmsg tests (CPython's
 * SendrecvmsgBase and its UDP/UDP6/UDPLITE/UDPLITE6/TCP/UnixStream bases):
 * one generic body runs over each transport. Also the msg_flags check
 * (checkFlags) and the recvmsg/recvmsg_into switch (RecvmsgIntoMixin).
 */
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { skipReason } from '../helpers/families.js';

export const MSG = Buffer.from('Michael Gilfix was here\u1234\r\n');
export const SIZEOF_INT = 4;

/** A connected or connectionless pair: the client sends, the server receives. */
export interface Pair {
  cli: socket.Socket;
  serv: socket.Socket;
  /** The client's address as the server sees it (null on connected sockets: not compared). */
  cliAddr: socket.SockAddr;
  servAddr: socket.SockAddr;
  sendToServer(msg: Buffer): number;
  /** cli.sendmsg with the transport's default trailing arguments (address on datagram sockets). */
  sendmsgToServer(...args: unknown[]): number;
  /** Compares a received address with cliAddr the way the transport's test base does. */
  checkAddress(addr: socket.SockAddr): void;
  close(): void;
}

export interface Transport {
  /** The part of the CPython class name: UDP, UDP6, UDPLITE, UDPLITE6, TCP, UnixStream. */
  name: string;
  stream: boolean;
  skip(): string | null;
  make(): Pair;
  /** Bits set in msg_flags when a datagram did not fit (MSG_TRUNC on datagram sockets). */
  nonEor: number;
}

function dgram(name: string, family: number, proto: number, host: string, v6: boolean): Transport {
  return {
    name,
    stream: false,
    nonEor: socket.MSG_TRUNC,
    skip: () => skipReason(family, socket.SOCK_DGRAM, proto),
    make(): Pair {
      const serv = socket.socket(family, socket.SOCK_DGRAM, proto);
      const cli = socket.socket(family, socket.SOCK_DGRAM, proto);
      serv.bind([host, 0]);
      cli.bind([host, 0]);
      const servAddr = serv.getsockname();
      const cliAddr = cli.getsockname();
      return {
        cli, serv, cliAddr, servAddr,
        sendToServer: (msg) => cli.sendto(msg, servAddr),
        sendmsgToServer: (...args: unknown[]) => {
          const defaults: unknown[] = [[], [], 0, servAddr];
          const full = [...args, ...defaults.slice(args.length)];
          return (cli.sendmsg as (...a: unknown[]) => number)(...full);
        },
        checkAddress: (addr) => {
          // UDP6: compared without the scope id, as CPython does.
          if (v6) assert.deepEqual((addr as unknown[]).slice(0, -1), (cliAddr as unknown[]).slice(0, -1));
          else assert.deepEqual(addr, cliAddr);
        },
        close: () => { cli.close(); serv.close(); },
      };
    },
  };
}

function connected(name: string, family: number, skipFamily: () => string | null,
  connect: () => [socket.Socket, socket.Socket]): Transport {
  return {
    name,
    stream: true,
    nonEor: 0,
    skip: skipFamily,
    make(): Pair {
      const [cli, serv] = connect();
      void family;
      return {
        cli, serv, cliAddr: null, servAddr: null,
        sendToServer: (msg) => cli.send(msg),
        sendmsgToServer: (...args: unknown[]) => (cli.sendmsg as (...a: unknown[]) => number)(...args),
        checkAddress: () => { /* unspecified on connected sockets */ },
        close: () => { cli.close(); serv.close(); },
      };
    },
  };
}

/** A TCP pair over loopback: connect() completes from the backlog, accept() takes it. */
export function tcpPair(): [socket.Socket, socket.Socket] {
  const l = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  try {
    l.bind(['127.0.0.1', 0]);
    l.listen();
    const cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
    cli.connect(l.getsockname());
    const [conn] = l.accept();
    return [cli, conn];
  } finally {
    l.close();
  }
}

export const transports: Transport[] = [
  dgram('UDP', socket.AF_INET, 0, '127.0.0.1', false),
  dgram('UDP6', socket.AF_INET6, 0, '::1', true),
  dgram('UDPLITE', socket.AF_INET, socket.IPPROTO_UDPLITE, '127.0.0.1', false),
  dgram('UDPLITE6', socket.AF_INET6, socket.IPPROTO_UDPLITE, '::1', true),
  connected('TCP', socket.AF_INET, () => skipReason(socket.AF_INET, socket.SOCK_STREAM), tcpPair),
  connected('UnixStream', socket.AF_UNIX, () => skipReason(socket.AF_UNIX, socket.SOCK_STREAM),
    () => socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)),
];

/** recvmsg or recvmsg_into behind one signature (CPython's doRecvmsg / RecvmsgIntoMixin). */
export type DoRecvmsg = (sock: socket.Socket, bufsize: number, ...args: number[]) => socket.RecvmsgResult;

export const viaRecvmsg: DoRecvmsg = (sock, bufsize, ...args) =>
  (sock.recvmsg as (...a: number[]) => socket.RecvmsgResult)(bufsize, ...args);

export const viaRecvmsgInto: DoRecvmsg = (sock, bufsize, ...args) => {
  const buf = Buffer.alloc(bufsize);
  const [n, anc, flags, addr] = (sock.recvmsg_into as (b: Buffer[], ...a: number[]) => socket.RecvmsgIntoResult)([buf], ...args);
  assert.ok(n >= 0 && n <= bufsize, `recvmsg_into returned ${n} for ${bufsize} bytes of room`);
  return [Buffer.from(buf.subarray(0, n)), anc, flags, addr];
};

export interface FlagsCheck {
  eor?: boolean | null;
  checkset?: number;
  checkunset?: number;
  ignore?: number;
}

/**
 * msg_flags against expectations: MSG_CTRUNC and MSG_OOB normally unset;
 * `eor` true: the non-EOR indicator (MSG_TRUNC on datagrams) unset; false: set.
 * Explicit checkset/checkunset override; `ignore` bits are not looked at.
 */
export function checkFlags(t: Transport, flags: number, o: FlagsCheck = {}): void {
  let defSet = 0;
  let defUnset = socket.MSG_CTRUNC | socket.MSG_OOB;
  if (o.eor === true) defUnset |= t.nonEor;
  else if (o.eor === false) defSet |= t.nonEor;
  const checkset = o.checkset ?? 0;
  const checkunset = o.checkunset ?? 0;
  const ignore = o.ignore ?? 0;
  defSet &= ~checkunset;
  defUnset &= ~checkset;
  const set = checkset | defSet;
  const unset = checkunset | defUnset;
  assert.equal(set & unset & ~ignore, 0, 'contradictory flag requirements');
  const mask = (set | unset) & ~ignore;
  assert.equal(flags & mask, set & mask, `msg_flags 0x${flags.toString(16)}`);
}
