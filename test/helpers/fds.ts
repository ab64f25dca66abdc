/**
 * Descriptor-leak check for every test file: sockets open now that were not
 * open when the file started are leaks (libuv's MAKE_VALGRIND_HAPPY idea).
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { after } from 'node:test';
import assert from 'node:assert/strict';

/** fd -> link target ('socket:[123]', 'pipe:[4]', a path) for every open descriptor. */
export function openFds(): Map<number, string> {
  const m = new Map<number, string>();
  for (const name of readdirSync('/proc/self/fd')) {
    try {
      m.set(Number(name), readlinkSync(`/proc/self/fd/${name}`));
    } catch { /* closed while listing (the listing's own fd) */ }
  }
  return m;
}

/** Sockets (and pipes the test made) open now that were not in `baseline`. */
export function leakedSince(baseline: Map<number, string>, kinds = ['socket:', 'pipe:']): string[] {
  const leaks: string[] = [];
  for (const [fd, target] of openFds()) {
    if (baseline.get(fd) === target) continue;
    if (kinds.some((k) => target.startsWith(k))) leaks.push(`fd ${fd} -> ${target}`);
  }
  return leaks;
}

/**
 * Registers a final check that the file leaked no descriptor. Call once at the
 * top of a test file, before any socket is made. `patienceMs` is how long
 * worker threads and children get to finish closing (a worker's own event
 * loop holds an epoll descriptor until it is torn down).
 */
export function checkNoLeaks(kinds?: string[], patienceMs = 500): void {
  const baseline = openFds();
  after(async () => {
    // Give worker threads and child processes a moment to finish closing.
    for (let i = 0; i < patienceMs / 25 && leakedSince(baseline, kinds).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.deepEqual(leakedSince(baseline, kinds), [], 'descriptors leaked by this test file');
  });
}
