/**
 * The writing halves of the makefile tests (CPython's FileObjectClassTestCase
 * client side), run in a worker by runPeer. The worker owns the descriptor it
 * is given: it adopts it, and closes it when the script ends (or fails), so
 * the reader in the main thread always sees end of stream.
 */
import * as socket from 'bsd-socket';

/** One step of a writer script. */
export type Step =
  | { op: 'write'; text: string } // text in text mode, its UTF-8 bytes in binary mode
  | { op: 'flush' }
  | { op: 'closeFile' }
  | { op: 'waitByte' } // CPython's evt1: the reader says "go" by sending one byte
  | { op: 'waitEof' } // CPython's serv_finished: wait until the reader closed its end
  | { op: 'sleep'; ms: number }
  | { op: 'sendRaw'; hex: string } // bytes straight on the socket, bypassing the file
  | { op: 'attrs' }; // report the file's mode/name/closed

export interface WriterResult {
  attrs: Array<{ mode: string; name: number; fileno: number; closed: boolean }>;
}

/**
 * Adopts `fd`, opens `makefile(mode, bufsize, options)` on it and runs `steps`.
 * @returns what the 'attrs' steps saw
 */
export function writer(fd: number, mode: string, bufsize: number | null, options: socket.MakefileOptions,
  steps: Step[]): WriterResult {
  const sock = socket.socket(null, null, null, fd);
  const result: WriterResult = { attrs: [] };
  try {
    const file = sock.makefile(mode, bufsize, options);
    const binary = mode.includes('b');
    try {
      for (const step of steps) {
        switch (step.op) {
          case 'write':
            if (binary) (file as socket.BinaryFile).write(Buffer.from(step.text, 'utf8'));
            else (file as socket.TextIOWrapper).write(step.text);
            break;
          case 'flush':
            file.flush();
            break;
          case 'closeFile':
            file.close();
            break;
          case 'waitByte':
            sock.recv(1);
            break;
          case 'waitEof':
            for (let i = 0; i < 1000 && sock.recv(1024).length > 0; i++) { /* drain */ }
            break;
          case 'sleep':
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, step.ms);
            break;
          case 'sendRaw':
            sock.sendall(Buffer.from(step.hex, 'hex'));
            break;
          case 'attrs':
            result.attrs.push({ mode: file.mode, name: file.name, fileno: sock.fileno(), closed: file.closed });
            break;
        }
      }
    } finally {
      file.close();
    }
  } finally {
    sock.close();
  }
  return result;
}

/**
 * CPython's _testWriteNonBlocking: on a non-blocking socket, raw writes of a
 * big block return counts until the send buffer is full, then null.
 * @returns 'saturated', or a reason the condition was not reached
 */
export function writeNonBlocking(fd: number): string {
  const sock = socket.socket(null, null, null, fd);
  try {
    sock.setblocking(false);
    const file = sock.makefile('wb', 0);
    try {
      const big = Buffer.alloc(1 << 20, 0x78);
      const first = file.write(big);
      if (first === null || first <= 0) return `first write returned ${first}`;
      for (let i = 0; i < 10; i++) {
        const n = file.write(big);
        if (n === null) return 'saturated';
        if (n <= 0) return `write returned ${n}`;
      }
      return 'failed to saturate the socket buffer';
    } finally {
      file.close();
    }
  } finally {
    sock.close();
  }
}
