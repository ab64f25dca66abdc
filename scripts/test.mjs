// `npm test`: compile the TypeScript (library, tests), then run every
// test file under node:test. Each file runs in its own process. The files of
// the Promise twins then run a second time over the thread poller.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { testFiles } from './test-files.mjs';

const tsc = 'node_modules/typescript/bin/tsc';
// BSD_SOCKET_TEST_COMPILED=1: the caller has compiled already (the sanitizer
// run compiles before it preloads the sanitizer runtime into every process).
if (process.env.BSD_SOCKET_TEST_COMPILED !== '1') {
  for (const p of ['tsconfig.build.json', 'tsconfig.test.json']) {
    execFileSync(process.execPath, [tsc, '-p', p], { stdio: 'inherit' });
  }
}


const only = process.argv.slice(2);
const files = testFiles('.build/test').filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
// BSD_SOCKET_TEST_TIMEOUT_MS: a longer bound for slower builds (the sanitizer run).
const timeout = Number(process.env.BSD_SOCKET_TEST_TIMEOUT_MS) || 120000;
const run = (list, env) => spawnSync(process.execPath, ['--test', '--test-concurrency=2', `--test-timeout=${timeout}`, ...list],
  { stdio: 'inherit', env }).status ?? 1;
let status = run(files, process.env);

// Second pass: the files that exercise the Promise twins again over the
// thread poller (native/poller.c), the readiness path of Bun and Deno, forced
// under Node. Skipped when the caller chose a poller.
const THREAD_POLLER_FILES = ['/async', '/streams.', '/net-handoff.', '/sendfile.', '/short-payloads.', '/contract.',
  '/python-parity.', '/worker-threads.', '/lifecycle.', '/stress/worker-terminate.', '/stress/fd-reuse.',
  '/stress/peer-killed.', '/stress/signal-storm.', '/stress/connections.'];
const threaded = files.filter((f) => THREAD_POLLER_FILES.some((t) => f.includes(t)));
if (process.env.BSD_SOCKET_POLLER === undefined && threaded.length > 0) {
  console.log(`\n# second pass: ${threaded.length} files with BSD_SOCKET_POLLER=thread`);
  const second = run(threaded, { ...process.env, BSD_SOCKET_POLLER: 'thread' });
  if (status === 0) status = second;
}
process.exit(status);
