/**
 * The `sock.async` view: Promise twins of every waiting method (DESIGN §3).
 * Owned by the async work (issue 3); this stub keeps the contract.
 */
import type { Socket } from '../socket.js';

export class SocketAsync {
  readonly #sock: Socket;
  constructor(sock: Socket) {
    this.#sock = sock;
  }
  /** The socket this view belongs to. */
  get socket(): Socket {
    return this.#sock;
  }
}

export function asyncViewFor(sock: Socket): SocketAsync {
  return new SocketAsync(sock);
}
