/**
 * The timing half of the three modes (DESIGN §3): the module's default
 * timeout, a monotonic clock, and the poll(2) wait against a deadline, retried
 * across EINTR without restarting the clock (PEP 475).
 */
import { constants as osConstants } from 'node:os';
import { native } from './native.js';
import { errnoError, timedOut } from './errors.js';
import { toTimeout } from './validate.js';

export const EINTR = osConstants.errno.EINTR;
export const EAGAIN = osConstants.errno.EAGAIN;
export const EWOULDBLOCK = osConstants.errno.EWOULDBLOCK;
export const EINPROGRESS = osConstants.errno.EINPROGRESS;
export const EBADF = osConstants.errno.EBADF;
export const POLLIN = native.pollEvents.POLLIN;
export const POLLOUT = native.pollEvents.POLLOUT;

let defaultTimeout: number | null = null;

/**
 * The timeout new sockets start with, in seconds (null: blocking).
 * @syscall none
 */
export function getdefaulttimeout(): number | null {
  return defaultTimeout;
}

/**
 * Sets the timeout of every socket created afterwards (socket, socketpair,
 * accept, fromfd, create_connection).
 * @syscall none
 * @throws {RangeError} negative or NaN · {TypeError} not a number or null
 */
export function setdefaulttimeout(timeout: number | null): void {
  if (timeout === undefined) throw new TypeError('setdefaulttimeout() takes exactly one argument (0 given)');
  defaultTimeout = toTimeout(timeout);
}

/** Milliseconds on a monotonic clock. */
export const now = (): number => performance.now();

const MAX_POLL_MS = 0x7fffffff;

/**
 * Waits until `fd` is ready for `events` or the deadline (ms, monotonic;
 * Infinity = none) passes, in which case it throws `TimeoutError('timed out')`.
 */
export function waitUntil(fd: number, events: number, deadline: number, syscall: string): void {
  for (;;) {
    let ms = -1;
    if (deadline !== Infinity) {
      const left = deadline - now();
      if (left <= 0) throw timedOut(syscall);
      ms = Math.min(Math.ceil(left), MAX_POLL_MS);
    }
    const r = native.poll(fd, events, ms);
    if (r > 0) return;
    if (r === 0) continue; // the deadline check above decides
    if (-r === EINTR) continue;
    throw errnoError(-r, syscall);
  }
}
