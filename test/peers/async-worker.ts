/**
 * Peers of test/async.test.ts that run in worker threads: the twins must work
 * on a worker's own loop, and a worker terminated while twins are pending
 * must not take the process down.
 */
import * as socket from 'bsd-socket';

/** Echoes `count` messages with the twins on a socket adopted from `fd` (a dup the worker owns). */
export async function echoAsync(fd: number, count: number): Promise<number> {
  const s = socket.fromfd(fd, socket.AF_UNIX, socket.SOCK_STREAM);
  let n = 0;
  try {
    for (let i = 0; i < count; i++) {
      const d = await s.async.recv(1024);
      if (d.length === 0) break;
      await s.async.sendall(d);
      n++;
    }
  } finally {
    s.close();
  }
  return n;
}

