/** Worker entry of runPeer(): imports the peer module and runs one function. */
import { parentPort, workerData } from 'node:worker_threads';

const { url, fn, args } = workerData as { url: string; fn: string; args: unknown[] };
try {
  const mod = (await import(url)) as Record<string, (...a: unknown[]) => unknown>;
  const f = mod[fn];
  if (typeof f !== 'function') throw new Error(`no peer function ${fn} in ${url}`);
  const value = await f(...args);
  parentPort!.postMessage({ ok: true, value });
} catch (e) {
  const err = e as { name?: string; message?: string; errno?: number };
  parentPort!.postMessage({ ok: false, error: { name: err.name, message: err.message, errno: err.errno } });
}
