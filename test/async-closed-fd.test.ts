/**
 * A descriptor closed behind its async watcher. libuv registers a watcher's
 * descriptor with epoll only in the next loop iteration, and abort()s the
 * process if it has been closed (EBADF) or replaced (ENOENT) by then. Found by
 * fuzzing the reactor (2026-12-06). Each case runs in a child process, so an
 * abort shows as that child's exit signal instead of ending this suite.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkNoLeaks } from './helpers/fds.js';

checkNoLeaks();

const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Runs `body` (ESM, with `socket` imported) in a child; returns its stdout lines, asserting a clean exit. */
function child(body: string, flags: string[] = []): string[] {
  const code = `import * as socket from ${JSON.stringify(DIST)};\nimport * as fs from 'node:fs';\n${body}`;
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, `child killed by ${String(r.signal)}; stderr: ${r.stderr}`);
  assert.equal(r.status, 0, `child exit ${String(r.status)}; stderr: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

// Two waiters (one per direction) on one socket; closing its number some other
// way, then withdrawing the writer, re-arms the reader's direction alone.
const TWO_WAITERS = `
const [s, peer] = socket.socketpair();
const ac = new AbortController();
const reader = s.async.recv(10).then(() => 'resolved', (e) => e.name + ' ' + e.errno);
const writer = s.async.sendall(Buffer.alloc(16 << 20), { signal: ac.signal }).then(() => 'resolved', (e) => e.name);
await new Promise((r) => setTimeout(r, 50));
`;

test('module-level close(fd) of a socket with pending twins rejects them with EBADF, no abort', () => {
  const out = child(`${TWO_WAITERS}
socket.close(s.fileno());
ac.abort();
console.log(await reader);
console.log(await writer);
await new Promise((r) => setTimeout(r, 50));
peer.close();
console.log('survived');`);
  assert.deepEqual(out, ['OSError 9', 'OSError', 'survived']);
});

test('a descriptor closed outside the library (fs.closeSync) fails the re-armed waiter with EBADF, no abort', () => {
  const out = child(`${TWO_WAITERS}
fs.closeSync(s.fileno());
ac.abort();
console.log(await writer);
console.log(await reader);
s.detach();
peer.close();
console.log('survived');`);
  // The writer was withdrawn by its signal; re-arming the reader alone met the closed descriptor.
  assert.deepEqual(out, ['AbortError', 'OSError 9', 'survived']);
});

test('a number closed and reused by another socket is not re-armed as the old one, no abort', () => {
  const out = child(`${TWO_WAITERS}
const n = s.fileno();
fs.closeSync(n);
const reuse = socket.socket();           // takes the lowest free number: n
console.log(reuse.fileno() === n);
ac.abort();
console.log(await reader);
s.detach();
reuse.close();
peer.close();
console.log('survived');`);
  assert.deepEqual(out, ['true', 'OSError 9', 'survived']);
});

test("a second socket object on the same number, collected while open, drops the first one's watcher, no abort", () => {
  const out = child(`${TWO_WAITERS}
(() => { socket.socket(null, null, null, s.fileno()); })();
for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
ac.abort();
console.log(await reader);
console.log(await writer);
s.detach();
peer.close();
console.log('survived');`, ['--expose-gc']);
  assert.deepEqual(out, ['OSError 9', 'OSError', 'survived']);
});
