/**
 * makefile(): file objects over a socket (Python's SocketIO + buffered/text
 * wrappers). Owned by the makefile work; this stub keeps the contract.
 */
import type { Socket } from './socket.js';

/** Keyword-only options of makefile(): text encoding and newline handling. */
export interface MakefileOptions {
  buffering?: number | null;
  encoding?: string | null;
  errors?: string | null;
  newline?: string | null;
}

/** The object makefile() returns. */
export interface SocketFile {
  readonly closed: boolean;
  close(): void;
}

export function makefileFor(sock: Socket, mode?: string, buffering?: number | null | MakefileOptions,
  options?: MakefileOptions): SocketFile {
  void sock; void mode; void buffering; void options;
  throw new Error('makefile(): not implemented yet');
}
