/**
 * The other end of a blocking test, in a worker thread (CPython's
 * ThreadableTest: server half here, client half there). Peer functions live in
 * test/peers/*.ts and are plain synchronous functions of JSON-able arguments;
 * descriptors are shared with the worker (same process), so they pass as numbers.
 */
import { Worker } from 'node:worker_threads';

export interface Peer {
  /** Resolves with the peer function's return value, rejects with its error. */
  done: Promise<unknown>;
}

/**
 * Runs `fn` exported by `test/peers/<module>.js` in a worker with `args`.
 * The worker is bounded by `timeoutMs` (default 10 s) and terminated after it.
 */
export function runPeer(module: string, fn: string, args: unknown[] = [], timeoutMs = 10_000): Peer {
  const url = new URL(`../peers/${module}.js`, import.meta.url).href;
  const worker = new Worker(new URL('./peer-worker.js', import.meta.url), { workerData: { url, fn, args } });
  const done = new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`peer ${module}.${fn} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    worker.once('message', (m: { ok: boolean; value?: unknown; error?: { name: string; message: string; errno?: number } }) => {
      clearTimeout(timer);
      if (m.ok) resolve(m.value);
      else {
        const e = new Error(`peer ${module}.${fn}: ${m.error?.name}: ${m.error?.message}`);
        Object.assign(e, { peerError: m.error });
        reject(e);
      }
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  return { done };
}

/** Sleeps the current thread (for peers that must pause while blocking). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
