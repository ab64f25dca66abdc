/**
 * Finds and loads the compiled addon. Candidates, first that loads wins:
 *
 * 1. `BSD_SOCKET_NATIVE=/abs/path/addon.node`: exactly that file, nothing else.
 * 2. A source build of this package: `build/Release`, then `build/Debug`.
 * 3. The prebuilt binary shipped in the package: `prebuilds/<tag>/bsd_socket.node`,
 *    where the tag is `<os>-<arch>[-<libc>]` (`linux-x64-glibc`, `linux-arm64-glibc`, ...).
 *
 * A file that exists but cannot be this process's addon (not a shared object,
 * built for another CPU, needing a newer libc) is skipped for the next candidate
 * with a one-line warning; when nothing loads, one error names the tag looked
 * for, every file skipped and why, and the fix.
 *
 * No dependencies and no top-level await: the install script and the library
 * both use it, and `require()` of the package must work.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (this file is `dist/addon-loader.js`). */
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireAddon = createRequire(import.meta.url);

export const ADDON_FILE = 'bsd_socket.node';

/** ELF `e_machine` for each `process.arch` (the CPU an ELF object was built for). */
const ELF_MACHINE: Readonly<Record<string, number>> = {
  ia32: 3, x64: 62, arm: 40, arm64: 183, ppc64: 21, s390x: 22, riscv64: 243, loong64: 258, mips: 8, mipsel: 8,
};
const ELF_MACHINE_NAME: Readonly<Record<number, string>> = {
  3: 'x86 (ia32)', 62: 'x86-64 (x64)', 40: 'arm', 183: 'aarch64 (arm64)', 21: 'ppc64', 22: 's390x', 243: 'riscv64',
  258: 'loongarch64', 8: 'mips',
};
/** Mach-O 64-bit CPU types. */
const MACHO_CPU: Readonly<Record<string, number>> = { x64: 0x01000007, arm64: 0x0100000c };

/** `glibc` or `musl` on Linux (from the process report's header), undefined elsewhere. */
export function libcFamily(): 'glibc' | 'musl' | undefined {
  if (process.platform !== 'linux') return undefined;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** The prebuild directory name for this process: `linux-x64-glibc`, `darwin-arm64`, ... */
export function platformTag(): string {
  const libc = libcFamily();
  return `${process.platform}-${process.arch}${libc ? `-${libc}` : ''}`;
}

/**
 * Why `file` cannot be loaded into this process, judged from its header, or
 * undefined when the header looks right (dlopen has the last word).
 */
export function headerMismatch(file: string): string | undefined {
  const head = Buffer.alloc(20);
  let n: number;
  const fd = openSync(file, 'r');
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (process.platform === 'darwin' || process.platform === 'win32') {
    if (process.platform === 'darwin' && n >= 8 && head.readUInt32LE(0) === 0xfeedfacf) {
      const want = MACHO_CPU[process.arch];
      const cpu = head.readUInt32LE(4);
      if (want !== undefined && cpu !== want) return `built for Mach-O CPU type 0x${cpu.toString(16)}, this process is ${process.arch}`;
    }
    return undefined;
  }
  if (n < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) {
    return `not an ELF shared object (${n} bytes read; corrupt or truncated)`;
  }
  const littleEndian = head[5] === 1;
  const type = littleEndian ? head.readUInt16LE(16) : head.readUInt16BE(16);
  if (type !== 3) return `an ELF file of type ${type}, not a shared object`;
  const machine = littleEndian ? head.readUInt16LE(18) : head.readUInt16BE(18);
  const want = ELF_MACHINE[process.arch];
  if (want !== undefined && machine !== want) {
    return `built for ${ELF_MACHINE_NAME[machine] ?? `ELF machine ${machine}`}, this process is ${process.arch}`;
  }
  return undefined;
}

export interface LoadedAddon {
  /** The addon's exports. */
  binding: unknown;
  /** The file it came from. */
  file: string;
  /** `prebuild`, `source build` or `BSD_SOCKET_NATIVE`. */
  origin: 'prebuild' | 'source build' | 'BSD_SOCKET_NATIVE';
}

interface Candidate {
  file: string;
  origin: LoadedAddon['origin'];
}

const firstLine = (e: unknown): string => String(e instanceof Error ? e.message : e).split('\n')[0] ?? '';

function tryLoad(c: Candidate, skipped: string[]): LoadedAddon | undefined {
  if (!existsSync(c.file)) return undefined;
  const mismatch = headerMismatch(c.file);
  if (mismatch === undefined) {
    try {
      return { binding: requireAddon(c.file), file: c.file, origin: c.origin };
    } catch (e) {
      skipped.push(`${c.file}: ${firstLine(e)}`);
      return undefined;
    }
  }
  skipped.push(`${c.file}: ${mismatch}`);
  return undefined;
}

/** What to do when nothing loads (one paragraph, printed by the error). */
export function installHint(tag: string): string {
  return (
    `No prebuilt binary matches ${tag}, so it must be compiled from source: install a C compiler, make and ` +
    'Python 3 (Debian/Ubuntu: apt-get install build-essential python3; Fedora: dnf install gcc make python3; ' +
    'Alpine: apk add build-base python3; macOS: xcode-select --install), then run ' +
    '`npm rebuild bsd-socket` (BSD_SOCKET_BUILD_FROM_SOURCE=1 forces a source build even when a prebuild exists).'
  );
}

/**
 * Loads the addon for this process.
 * @param only `prebuild` to look only at the shipped prebuilds (the install script's check).
 * @throws {Error} nothing loads: names the platform tag, each skipped file and the fix
 */
export function loadAddon(only?: 'prebuild'): LoadedAddon {
  const forced = process.env['BSD_SOCKET_NATIVE'];
  if (forced) {
    const c: Candidate = { file: path.resolve(forced), origin: 'BSD_SOCKET_NATIVE' };
    if (!existsSync(c.file)) throw new Error(`bsd-socket: BSD_SOCKET_NATIVE=${forced}: no such file`);
    const skipped: string[] = [];
    const loaded = tryLoad(c, skipped);
    if (loaded) return loaded;
    throw new Error(`bsd-socket: BSD_SOCKET_NATIVE names an addon that does not load: ${skipped[0] ?? forced}`);
  }
  const tag = platformTag();
  const candidates: Candidate[] = [];
  if (only !== 'prebuild') {
    for (const dir of ['Release', 'Debug']) {
      candidates.push({ file: path.join(packageRoot, 'build', dir, ADDON_FILE), origin: 'source build' });
    }
  }
  candidates.push({ file: path.join(packageRoot, 'prebuilds', tag, ADDON_FILE), origin: 'prebuild' });
  const skipped: string[] = [];
  for (const c of candidates) {
    const loaded = tryLoad(c, skipped);
    if (loaded) {
      for (const s of skipped) process.emitWarning(`bsd-socket: skipped ${s}`);
      return loaded;
    }
  }
  const looked = candidates.map((c) => path.relative(packageRoot, c.file)).join(', ');
  const why = skipped.length > 0 ? `\nSkipped:\n${skipped.map((s) => `  ${s}`).join('\n')}` : '';
  throw new Error(`bsd-socket: no native addon loads for ${tag} (looked for ${looked}).${why}\n${installHint(tag)}`);
}
