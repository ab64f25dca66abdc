/**
 * Python's OSError hierarchy. One table (CPython's errnomap) picks the
 * subclass from errno; one function, `errnoError`, builds every error a
 * system call raises. `error` and `timeout` are the very same classes as
 * `OSError` and `TimeoutError`, as in Python.
 */
import { constants as osConstants } from 'node:os';
import { native } from './native.js';

// The headers' own table first (it has every name, Python's choice first among
// aliases: EAGAIN, ENOTSUP), then Node's for anything it might lack.
const errnoValues: Record<string, number | undefined> = { ...osConstants.errno, ...native.errno_codes };
const errnoNames = new Map<number, string>();
for (const table of [native.errno_codes, osConstants.errno as Record<string, number>]) {
  for (const [name, value] of Object.entries(table)) {
    if (!errnoNames.has(value)) errnoNames.set(value, name);
  }
}

/** The symbolic name of an errno value ('ECONNREFUSED'), or 'E<n>' if unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

export interface OSErrorOptions {
  /** The system call or function that failed ('connect', 'getaddrinfo'). */
  syscall?: string;
  /** The address or path involved, when there is one. */
  filename?: unknown;
  cause?: unknown;
}

/**
 * `OSError(errno, strerror)`: message `[Errno N] strerror`; or `OSError(message)`
 * with `errno` null, as Python's single-argument form.
 */
export class OSError extends Error {
  /** Positive errno (or the EAI_* / h_errno value for gaierror / herror); null when none. */
  readonly errno: number | null;
  /** The C library's text for errno; null when constructed from a message. */
  readonly strerror: string | null;
  /** Symbolic errno name such as 'ECONNREFUSED'; undefined when there is no errno. */
  readonly code: string | undefined;
  /** The failing system call's name. */
  readonly syscall: string | undefined;
  readonly filename: unknown;

  constructor(errnoOrMessage?: number | string, strerror?: string, options: OSErrorOptions = {}) {
    const hasErrno = typeof errnoOrMessage === 'number';
    const message = hasErrno
      ? `[Errno ${errnoOrMessage}] ${strerror ?? native.strerror(errnoOrMessage)}`
      : (errnoOrMessage ?? '');
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errno = hasErrno ? errnoOrMessage : null;
    this.strerror = hasErrno ? (strerror ?? native.strerror(errnoOrMessage)) : null;
    this.code = hasErrno ? this.codeFor(errnoOrMessage) : undefined;
    this.syscall = options.syscall;
    this.filename = options.filename;
    // As Python's OSError(111, 'x'): built with an errno, OSError itself is the
    // errno's subclass (ConnectionRefusedError). Subclasses stay what they are.
    if (hasErrno && new.target === OSError) {
      const Cls = errnoClass(errnoOrMessage);
      if (Cls !== OSError) return new Cls(errnoOrMessage, strerror, options);
    }
  }

  /** The symbolic code; gaierror/herror override it with their own names. */
  protected codeFor(errno: number): string {
    return errnoName(errno);
  }

  override get name(): string {
    return this.constructor.name;
  }
}

export class BlockingIOError extends OSError {}
export class ChildProcessError extends OSError {}
export class ConnectionError extends OSError {}
export class BrokenPipeError extends ConnectionError {}
export class ConnectionAbortedError extends ConnectionError {}
export class ConnectionRefusedError extends ConnectionError {}
export class ConnectionResetError extends ConnectionError {}
export class FileExistsError extends OSError {}
export class FileNotFoundError extends OSError {}
export class InterruptedError extends OSError {}
export class IsADirectoryError extends OSError {}
export class NotADirectoryError extends OSError {}
export class PermissionError extends OSError {}
export class ProcessLookupError extends OSError {}
/** Raised when a socket's timeout expires (errno null) or on a kernel ETIMEDOUT. */
export class TimeoutError extends OSError {}

/** Host-lookup errors of the gethostby* family: errno is h_errno. */
export class herror extends OSError {
  protected override codeFor(): string {
    return 'EHOSTLOOKUP';
  }
}

const gaiNames = new Map<number, string>();

/** Address-lookup errors of getaddrinfo/getnameinfo: errno is the EAI_* value. */
export class gaierror extends OSError {
  protected override codeFor(errno: number): string {
    return gaiNames.get(errno) ?? `EAI_${errno}`;
  }
}

/** Lets the constants module name EAI_* codes without a cycle. */
export function registerGaiNames(names: Iterable<[number, string]>): void {
  for (const [value, name] of names) if (!gaiNames.has(value)) gaiNames.set(value, name);
}

export { OSError as error, TimeoutError as timeout };

type OSErrorClass = new (errno: number, strerror?: string, options?: OSErrorOptions) => OSError;

// CPython's errnomap (Objects/exceptions.c): errno -> subclass.
const errnoClasses = new Map<number, OSErrorClass>();
const map = (names: string[], cls: OSErrorClass): void => {
  for (const n of names) {
    const v = errnoValues[n];
    if (v !== undefined) errnoClasses.set(v, cls);
  }
};
map(['EAGAIN', 'EALREADY', 'EINPROGRESS', 'EWOULDBLOCK'], BlockingIOError);
map(['EPIPE', 'ESHUTDOWN'], BrokenPipeError);
map(['ECHILD'], ChildProcessError);
map(['ECONNABORTED'], ConnectionAbortedError);
map(['ECONNREFUSED'], ConnectionRefusedError);
map(['ECONNRESET'], ConnectionResetError);
map(['EEXIST'], FileExistsError);
map(['ENOENT'], FileNotFoundError);
map(['EISDIR'], IsADirectoryError);
map(['ENOTDIR'], NotADirectoryError);
map(['EINTR'], InterruptedError);
map(['EACCES', 'EPERM'], PermissionError);
map(['ESRCH'], ProcessLookupError);
map(['ETIMEDOUT'], TimeoutError);

/** The OSError subclass Python raises for this errno. */
export function errnoClass(errno: number): OSErrorClass {
  return errnoClasses.get(errno) ?? OSError;
}

/** Builds the error a failed system call raises. Never throws itself. */
export function errnoError(errno: number, syscall?: string, filename?: unknown): OSError {
  const Cls = errnoClass(errno);
  const options: OSErrorOptions = {};
  if (syscall !== undefined) options.syscall = syscall;
  if (filename !== undefined) options.filename = filename;
  return new Cls(errno, native.strerror(errno), options);
}

/** An error of node:fs (errno negative, `code` 'EBADF') as the OSError Python would raise; others unchanged. */
export function fromFsError(e: unknown, syscall: string): unknown {
  const errno = (e as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' && errno < 0 ? errnoError(-errno, syscall) : e;
}

/** The error of a deadline that passed: `TimeoutError('timed out')`, errno null. */
export function timedOut(syscall?: string): TimeoutError {
  return new TimeoutError('timed out', undefined, syscall === undefined ? {} : { syscall });
}

/** A gaierror from getaddrinfo's result code; EAI_SYSTEM becomes an errno OSError. */
export function gaiError(code: number, errno: number, eaiSystem: number | undefined, syscall = 'getaddrinfo'): OSError {
  if (eaiSystem !== undefined && code === eaiSystem && errno > 0) return errnoError(errno, syscall);
  return new gaierror(code, native.gai_strerror(code), { syscall });
}
