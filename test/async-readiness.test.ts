/**
 * The try-first heuristics of the Promise twins (docs/async.md, "Known-blocked
 * directions skip the try"): a read after a send that is predicted to block
 * waits on the armed, level-triggered watcher instead of trying, so it must
 * still see data that was already waiting, and stay cancellable.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from './helpers/fds.js';

checkNoLeaks();

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A pair whose `a` side has learned "reads after a send block" (one read that tried first and waited). */
async function trained(): Promise<[socket.Socket, socket.Socket]> {
  const [a, b] = socket.socketpair();
  const p = a.async.recv(1);
  await delay(5);
  b.send(Buffer.from('x'));
  assert.equal((await p).toString(), 'x');
  return [a, b];
}

test('a read predicted to block still gets data that was already waiting, in order', async () => {
  const [a, b] = await trained();
  try {
    await a.async.sendall(Buffer.from('q'));
    b.send(Buffer.from('yz'));
    assert.equal((await a.async.recv(1)).toString(), 'y');
    assert.equal((await a.async.recv(1)).toString(), 'z');
    assert.equal(b.recv(10).toString(), 'q');
    // many request/response rounds with full reads
    for (let i = 0; i < 50; i++) {
      await a.async.sendall(Buffer.from([i]));
      const echoed = b.async.recv(1).then((d) => b.async.sendall(d));
      assert.deepEqual([...await a.async.recv(1)], [i]);
      await echoed;
    }
    assert.equal(socket.async.reactorState().pending, 0);
  } finally {
    a.close();
    b.close();
  }
});

test('a read predicted to block can be aborted, time out, and is rejected by close', async () => {
  const [a, b] = await trained();
  try {
    await a.async.sendall(Buffer.from('q'));
    const ac = new AbortController();
    const r = a.async.recv(1, { signal: ac.signal });
    ac.abort();
    await assert.rejects(r, { name: 'AbortError' });
    assert.deepEqual(socket.async.watcherState(a).waiters, { read: 0, write: 0 });
    a.settimeout(0.02);
    await a.async.sendall(Buffer.from('q'));
    await assert.rejects(a.async.recv(1), { name: 'TimeoutError' });
    // nothing was consumed by the withdrawn waiters
    b.send(Buffer.from('k'));
    assert.equal((await a.async.recv(1)).toString(), 'k');
    await a.async.sendall(Buffer.from('q'));
    const r2 = a.async.recv(1);
    a.close();
    await assert.rejects(r2, (e: unknown) => (e as socket.OSError).code === 'EBADF');
    assert.equal(socket.async.reactorState().pending, 0);
  } finally {
    a.close();
    b.close();
  }
});
