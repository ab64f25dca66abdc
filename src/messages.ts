/**
 * sendmsg/recvmsg/recvmsg_into, sendfile and the Linux batches. Owned by the
 * messages work (issue 5); this stub keeps the contract.
 */
import type { Socket } from './socket.js';
import type { SockAddr } from './address.js';

export type AncillaryItem = [level: number, type: number, data: Buffer];
export type SendmsgArgs = [buffers: Iterable<ArrayBufferView | ArrayBuffer>, ancdata?: Iterable<unknown>, flags?: number, address?: unknown];
export type RecvmsgArgs = [bufsize?: number, ancbufsize?: number, flags?: number];
export type RecvmsgIntoArgs = [buffers: Iterable<ArrayBufferView | ArrayBuffer>, ancbufsize?: number, flags?: number];
export type SendfileArgs = [file: unknown, offset?: number, count?: number | null];
export type SendmmsgArgs = [messages: Iterable<unknown>, flags?: number];
export type RecvmmsgArgs = [vlen: number, bufsize: number, flags?: number];
export type RecvmsgResult = [data: Buffer, ancdata: AncillaryItem[], msg_flags: number, address: SockAddr];
export type RecvmsgIntoResult = [nbytes: number, ancdata: AncillaryItem[], msg_flags: number, address: SockAddr];
export type RecvmmsgResult = Array<[data: Buffer, address: SockAddr, msg_flags: number]>;

const todo = (name: string): never => {
  throw new Error(`${name}(): not implemented yet`);
};

export function sendmsgFor(sock: Socket, ...args: SendmsgArgs): number {
  void sock; void args;
  return todo('sendmsg');
}
export function recvmsgFor(sock: Socket, ...args: RecvmsgArgs): RecvmsgResult {
  void sock; void args;
  return todo('recvmsg');
}
export function recvmsgIntoFor(sock: Socket, ...args: RecvmsgIntoArgs): RecvmsgIntoResult {
  void sock; void args;
  return todo('recvmsg_into');
}
export function sendfileFor(sock: Socket, ...args: SendfileArgs): number {
  void sock; void args;
  return todo('sendfile');
}
export function sendmmsgFor(sock: Socket, ...args: SendmmsgArgs): number {
  void sock; void args;
  return todo('sendmmsg');
}
export function recvmmsgFor(sock: Socket, ...args: RecvmmsgArgs): RecvmmsgResult {
  void sock; void args;
  return todo('recvmmsg');
}
