/**
 * Symbols through which the library's own modules (messages, makefile, async
 * twins, families) reach a socket's internals. They are not part of the public
 * contract.
 */

/** `sock[kFd](syscall)`: the descriptor, or OSError EBADF if closed. */
export const kFd: unique symbol = Symbol('bsd-socket.fd');
/**
 * `sock[kWait](r, events, syscall, deadline)`: after a call returned `r < 0`,
 * either throws the error the socket's mode calls for, or waits for
 * readiness and returns the deadline to carry into the retry (-1 = not yet
 * set). The one deadline loop of DESIGN §3.
 */
export const kWait: unique symbol = Symbol('bsd-socket.wait');
/** `sock[kScratch]()`: the socket's 136-byte address out-buffer. */
export const kScratch: unique symbol = Symbol('bsd-socket.scratch');
/** `sock[kSockaddr]()`: the socket's 128-byte address in-buffer. */
export const kSockaddr: unique symbol = Symbol('bsd-socket.sockaddr');
/** `sock[kIoRef]()` / `sock[kIoUnref]()`: makefile streams keeping the fd open. */
export const kIoRef: unique symbol = Symbol('bsd-socket.ioRef');
export const kIoUnref: unique symbol = Symbol('bsd-socket.ioUnref');
/**
 * `sock[kOnClose](fn)`: runs `fn` right before the descriptor is closed or
 * detached (the async reactor stops its watcher and rejects waiters there).
 */
export const kOnClose: unique symbol = Symbol('bsd-socket.onClose');
/**
 * Runs right before a descriptor number is closed by any path (a socket's
 * close, its finalizer, module-level close(fd)). The async reactor registers
 * here to drop a watcher left on that number: libuv abort()s when a watched
 * descriptor it is about to (re)register has been closed.
 */
let descriptorClosing: ((fd: number) => void) | null = null;

export function onDescriptorClosing(fn: (fd: number) => void): void {
  descriptorClosing = fn;
}

export function descriptorWillClose(fd: number): void {
  if (descriptorClosing !== null) descriptorClosing(fd);
}

/** `sock[kEncode](caller, address, lookup?)`: encodes into kSockaddr's buffer, returns the length. */
export const kEncode: unique symbol = Symbol('bsd-socket.encode');

/** True on little-endian hosts: C structs (netlink, CAN, ancillary items) are in host byte order. */
export const HOST_LE: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
