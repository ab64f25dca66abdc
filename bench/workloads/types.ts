// The bench suite is a table: workloads x drivers.  A workload names what is
// measured and its metrics; each of its drivers is one program (run in a fresh
// process) that does that workload with one implementation and prints one
// JSON line (`ProgramResult`, bench/lib/common.ts).  Adding a workload is
// adding a file here that exports `Workload`s and listing them in index.ts.

/** What a driver needs before it can run; a missing one skips the driver with a reason. */
/** `node-api`: the bench-only addons of bench/napi/, built with `cc` against node_api.h. */
export type Requirement = 'c' | 'python' | 'bsd-socket' | 'node-api';

/** Where the programs are, and the run-wide settings, as the runner resolved them. */
export interface BenchContext {
  /** The repository root. */
  root: string;
  /** ROUNDS_SCALE (default 1): multiplies every workload's default size. */
  scale: number;
  /** Path of a compiled C program: bench/c/<name>.c -> bench/c/bin/<name>. */
  cBin(name: string): string;
  /** Path of a Python program under bench/python/. */
  python(name: string): string;
  /** Path of a compiled TS driver under .build/bench/drivers/ (`name` without extension). */
  js(name: string): string;
  /** `Math.max(1, Math.round(n * scale))`. */
  scaled(n: number): number;
}

export interface Metric {
  /** The key in the program's `metrics` object, and the table's unit (`rt/s`, `GB/s`, `loss-%`). */
  name: string;
  /** Digits after the point in the table (default 0). */
  decimals?: number;
  /** Whether a ratio to the reference makes sense (false for e.g. loss). Default true. */
  ratio?: boolean;
}

export interface Driver {
  /** Row name in the table, e.g. `c`, `python`, `node-net`, `bsd-socket-recv`. */
  name: string;
  /** The workload's reference row (C); ratios are to its median.  Exactly one per workload. */
  reference?: boolean;
  requires?: readonly Requirement[];
  /** argv of the process: argv[0] is the executable (`node` means process.execPath). */
  command(ctx: BenchContext): string[];
}

export interface Workload {
  /** Unique name, matched by ONLY=. */
  name: string;
  /** One line for the table's legend and README. */
  summary: string;
  metrics: readonly Metric[];
  drivers: readonly Driver[];
  /** A driver process still running after this many seconds is killed and counted as failed. */
  timeoutSeconds: number;
}
