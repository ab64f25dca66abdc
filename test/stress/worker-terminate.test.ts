/**
 * Workers terminated with twins pending, round after round, while this
 * thread has twins of its own pending: no crash, this thread's twins and
 * sockets go on working, and nothing builds up (descriptors, this thread's
 * watchers, the process's active handles). The workers adopt descriptors this
 * thread owns (test/peers/async-terminate.ts), some terminated before their
 * twins start, some after.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import * as socket from 'bsd-socket';
import { checkNoLeaks, openFds } from '../helpers/fds.js';
import { report, size } from './scale.js';

checkNoLeaks();

const ROUNDS = size(6, 60);
const WORKERS = 4;
const SOCKETS_PER_WORKER = 25;
const SCRIPT = new URL('../peers/async-terminate.js', import.meta.url);

test(`${ROUNDS} rounds of ${WORKERS} workers terminated with ${SOCKETS_PER_WORKER} twins pending each: no crash, no build-up`, async () => {
  const pairs = Array.from({ length: WORKERS * SOCKETS_PER_WORKER }, () => socket.socketpair());
  // This thread's own pending twins, alive through every round.
  const [mine, minePeer] = socket.socketpair();
  const ownTwin = mine.async.recv(100);
  let pendingSeen = 0;
  let fdsAfterFirst = -1;
  let handlesAfterFirst = -1;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const workers = Array.from({ length: WORKERS }, (_, k) => new Worker(SCRIPT, {
        workerData: { fds: pairs.slice(k * SOCKETS_PER_WORKER, (k + 1) * SOCKETS_PER_WORKER).map(([, b]) => b.fileno()) },
      }));
      await Promise.all(workers.map(async (w, k) => {
        // Every other worker is terminated before it can say its twins are pending.
        if ((round + k) % 2 === 0) {
          const m = await new Promise<{ pending: number }>((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
          });
          pendingSeen += m.pending;
        }
        await w.terminate();
      }));
      // This thread's sockets, the workers' descriptors included, still work.
      for (const [a, b] of pairs) {
        const p = a.async.recv(10);
        b.send(Buffer.from('alive'));
        assert.equal((await p).toString(), 'alive');
      }
      if (round === 0) {
        fdsAfterFirst = openFds().size;
        handlesAfterFirst = process.getActiveResourcesInfo().length;
      }
    }
    assert.equal(pendingSeen, (ROUNDS * WORKERS / 2) * SOCKETS_PER_WORKER, 'the workers that reported had all their twins pending');
    assert.equal(openFds().size, fdsAfterFirst, 'descriptors after the last round as after the first');
    assert.ok(process.getActiveResourcesInfo().length <= handlesAfterFirst, 'no active handles left behind by terminated workers');
    minePeer.send(Buffer.from('own twin'));
    assert.equal((await ownTwin).toString(), 'own twin');
    const state = socket.async.reactorState();
    assert.equal(state.pending, 0);
    report('workers terminated with twins pending', {
      rounds: ROUNDS, workers: ROUNDS * WORKERS, 'twins seen pending': pendingSeen, 'watchers here': state.watchers,
    });
  } finally {
    for (const [a, b] of pairs) { a.close(); b.close(); }
    mine.close();
    minePeer.close();
  }
});
