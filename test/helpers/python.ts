/** Runs python3 (the oracle of differential tests) with a bounded time. */
import { execFileSync } from 'node:child_process';

/** Runs a Python snippet and returns its stdout parsed as JSON. */
export function python<T = unknown>(code: string, timeoutMs = 20_000): T {
  const out = execFileSync('python3', ['-c', code], { encoding: 'utf8', timeout: timeoutMs });
  return JSON.parse(out) as T;
}
