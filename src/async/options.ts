/**
 * The options object every twin takes last (DESIGN §2: it may take the place
 * of trailing optional positionals), and the AbortError of a cancelled twin.
 */
import { typeName } from '../validate.js';

/** The options object every twin takes as its last argument. */
export interface AsyncOptions {
  /** Cancels the wait: the twin rejects with an AbortError and consumes nothing. */
  signal?: AbortSignal;
}

/** Rejection of a twin cancelled through its AbortSignal (`code` 'ABORT_ERR', `cause` the signal's reason). */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
  override get name(): string {
    return 'AbortError';
  }
}

/** Whether `v` is the trailing options object rather than a positional argument. */
export function isOptions(v: unknown): v is AsyncOptions {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) &&
    !(v instanceof ArrayBuffer) && !(v instanceof SharedArrayBuffer);
}

/** The validated signal of `options` (undefined when none); throws AbortError if already aborted. */
export function signalOf(caller: string, options: unknown): AbortSignal | undefined {
  if (options === undefined || options === null) return undefined;
  if (!isOptions(options)) throw new TypeError(`${caller}(): options must be an object, not ${typeName(options)}`);
  const s = options.signal;
  if (s === undefined || s === null) return undefined;
  if (!(s instanceof AbortSignal)) {
    throw new TypeError(`${caller}(): options.signal must be an AbortSignal, not ${typeName(s)}`);
  }
  if (s.aborted) throw abortError(s);
  return s;
}

export function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The operation was aborted', { cause: signal.reason });
}

