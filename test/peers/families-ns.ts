/**
 * Network namespaces for the family tests: made with iproute2, always
 * deleted, never touching the machine's own interfaces or routes.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Why namespace tests cannot run here, or null when they can. */
export function netnsSkipReason(): string | null {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'iproute2 (the ip command) is not installed';
  }
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  return null;
}

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', timeout: 10_000 });

/**
 * Creates namespace bsdtest-<pid>-<tag> with lo up and a veth pair va <-> vb
 * (both up), runs `fn(name)`, and deletes the namespace whatever happens.
 */
export async function withNetns<T>(tag: string, fn: (ns: string) => T | Promise<T>): Promise<T> {
  const ns = `bsdtest-${process.pid}-${tag}`;
  ip('netns', 'add', ns);
  try {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    ip('-n', ns, 'link', 'set', 'va', 'up');
    ip('-n', ns, 'link', 'set', 'vb', 'up');
    return await fn(ns);
  } finally {
    ip('netns', 'del', ns);
  }
}

/** Runs a shell command inside the namespace (bounded). */
export function nsExec(ns: string, cmd: string[], timeoutMs = 20_000): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', timeout: timeoutMs });
}

/** Runs one function of test/peers/families-netns.js inside the namespace; its JSON result. */
export function runInNetns(ns: string, fn: string): { ok: boolean; value?: unknown; error?: string; code?: string } {
  const script = fileURLToPath(new URL('./families-netns.js', import.meta.url));
  const out = nsExec(ns, [process.execPath, script, fn]);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as { ok: boolean; value?: unknown; error?: string };
}
