/**
 * Sizes and figures of the load and fault tests: `npm test` runs them
 * reduced, `npm run test:stress` (BSD_SOCKET_STRESS=full) at full size. The
 * figures are printed either way (docs/stress.md records the full run's).
 * Children run scripts written to a private directory, importing the built
 * library by its file URL.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const FULL = process.env['BSD_SOCKET_STRESS'] === 'full';

/** `reduced` under npm test, `full` under npm run test:stress. */
export function size(reduced: number, full: number): number {
  return FULL ? full : reduced;
}

/** Prints one figure line (`stress: <name>: k=v, ...`) for the run's record. */
export function report(name: string, figures: Record<string, string | number>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${v}`);
  console.log(`stress: ${name} (${FULL ? 'full' : 'reduced'}): ${parts.join(', ')}`);
}

/** The built library and its internal binding, as file URLs for child scripts. */
export const DIST = new URL('../../../dist/index.js', import.meta.url).href;
export const NATIVE = new URL('../../../dist/native.js', import.meta.url).href;

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Child {
  pid: number;
  /** Resolves when a line of stdout matches. */
  line(re: RegExp): Promise<string>;
  done: Promise<ChildResult>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Runs `body` (an ES module; `socket` is the library) in a child process,
 * through `sh -c 'ulimit -n N; exec node ...'` when `nofile` is given. It is
 * SIGKILLed after `timeoutMs`.
 */
export function child(body: string, opts: { nofile?: number; nodeFlags?: string[]; timeoutMs?: number; args?: string[] } = {}): Child {
  const dir = mkdtempSync(path.join(tmpdir(), 'bsd-socket-stress-'));
  const file = path.join(dir, 'child.mjs');
  writeFileSync(file, `import * as socket from ${JSON.stringify(DIST)};\n${body}\n`);
  const argv = [...(opts.nodeFlags ?? []), file, ...(opts.args ?? [])];
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const p = opts.nofile === undefined
    ? spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('sh', ['-c', `ulimit -n ${opts.nofile} && exec ${[process.execPath, ...argv].map(quote).join(' ')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  p.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of waiters.slice()) {
      const m = stdout.split('\n').find((l) => w.re.test(l));
      if (m !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  p.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 100_000);
  const done = new Promise<ChildResult>((resolve) => {
    p.on('exit', (status, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ status, signal, stdout, stderr });
    });
  });
  return {
    pid: p.pid!,
    line: (re) => new Promise((resolve, reject) => {
      const m = stdout.split('\n').find((l) => re.test(l));
      if (m !== undefined) return resolve(m);
      waiters.push({ re, resolve });
      void done.then((r) => reject(new Error(`child exited (${String(r.status ?? r.signal)}) before printing ${re}; stderr: ${r.stderr}`)));
    }),
    done,
    kill: (signal) => { p.kill(signal); },
  };
}

/** The last JSON line a child printed, after asserting it exited cleanly. */
export function lastJson(r: ChildResult): Record<string, unknown> {
  if (r.signal !== null || r.status !== 0) {
    throw new Error(`child ended by ${String(r.signal ?? r.status)}; stderr: ${r.stderr}\nstdout: ${r.stdout}`);
  }
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (line === undefined) throw new Error(`child printed no JSON; stdout: ${r.stdout}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** A payload whose bytes depend on (seed, length), so a swapped or shifted echo shows. */
export function payload(seed: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 131 + i * 7 + (i >> 8)) & 0xff;
  return b;
}
