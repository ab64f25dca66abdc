/**
 * What the runtime running the tests lacks (docs/runtimes.md). A test that
 * needs it skips there with the reason printed; under Node nothing skips.
 */
import { spawnSync } from 'node:child_process';
import * as socket from 'bsd-socket';

const versions: Readonly<Record<string, string | undefined>> = process.versions;

/** The test's skip option: the reason under Bun, false elsewhere. */
export function skipUnderBun(reason: string): string | false {
  return versions['bun'] !== undefined ? `Bun ${versions['bun']}: ${reason}` : false;
}

/**
 * Opens now the descriptors that live as long as the environment, so that a
 * file's leak check takes its baseline after them:
 * - under the poller thread (Bun, Deno, BSD_SOCKET_POLLER=thread) the first
 *   twin that waits opens the poller's epoll and eventfd descriptors;
 * - Bun opens an epoll and an eventfd of its own at the first synchronous
 *   child process.
 */
export async function openLongLivedDescriptors(): Promise<void> {
  if (versions['bun'] !== undefined) spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  if (socket.async.reactorState().poller !== 'thread') return;
  const [a, b] = socket.socketpair();
  try {
    const got = a.async.recv(1);
    setTimeout(() => b.send(new Uint8Array([1])), 10);
    await got;
  } finally {
    a.close();
    b.close();
  }
}
