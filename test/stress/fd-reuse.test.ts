/**
 * A socket closed while its twins are pending, its descriptor number reused
 * at once by a new socket, round after round: the old twins reject with
 * EBADF and the new socket is never touched (its data is read by its own
 * recv, whole and in order; no watcher of the old socket re-arms on it).
 * Closed both ways: sock.close() and the module's close(fd).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as socket from 'bsd-socket';
import { checkNoLeaks } from '../helpers/fds.js';
import { payload, report, size } from './scale.js';

checkNoLeaks();

const ROUNDS = size(1_000, 10_000);

for (const how of ['sock.close()', 'socket.close(fd)'] as const) {
  test(`${ROUNDS} rounds: closed with twins pending (${how}), the number reused at once, the new socket untouched`, async () => {
    let reused = 0;
    let rejected = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const [a, peer] = socket.socketpair();
      const fd = a.fileno();
      // A reader and a writer (the buffer is full, so the writer waits) on one socket.
      a.setblocking(false);
      try { for (let i = 0; i < 1000; i++) a.send(Buffer.alloc(65536)); } catch { /* full */ }
      const reader = a.async.recv(100);
      const writer = a.async.sendall(Buffer.alloc(65536));
      // The watcher is armed after a loop turn; close once it is.
      if (round % 2 === 1) await new Promise((r) => setImmediate(r));
      if (how === 'sock.close()') a.close();
      else {
        // The number closed under the object, which then lets go of it.
        socket.close(fd);
        a.detach();
      }
      const [b, bPeer] = socket.socketpair();
      if (b.fileno() === fd || bPeer.fileno() === fd) reused++;
      const msg = payload(round, 1 + (round % 200));
      bPeer.sendall(msg);
      b.sendall(msg);
      const results = await Promise.allSettled([reader, writer]);
      for (const r of results) {
        if (r.status === 'rejected' && r.reason instanceof socket.OSError && r.reason.code === 'EBADF') rejected++;
      }
      // A loop turn in which a stale watcher would fire on the new descriptor.
      await new Promise((r) => setImmediate(r));
      b.setblocking(false);
      bPeer.setblocking(false);
      assert.deepEqual(b.recv(1000), msg, `round ${round}: the new socket's data`);
      assert.deepEqual(bPeer.recv(1000), msg, `round ${round}: the new peer's data`);
      for (const s of [b, bPeer, peer]) s.close();
    }
    assert.equal(rejected, 2 * ROUNDS, 'every pending twin rejected with EBADF');
    assert.ok(reused >= ROUNDS * 0.9, `the number was reused in ${reused} of ${ROUNDS} rounds`);
    const state = socket.async.reactorState();
    assert.equal(state.pending, 0);
    report(`closed with twins pending, ${how}`, { rounds: ROUNDS, 'numbers reused': reused, 'watchers left': state.watchers });
  });
}
