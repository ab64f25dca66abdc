/**
 * Capability probes (CPython's _have_socket_* functions): can this kernel make
 * a socket of this family/type/proto? Tests skip with the kernel's own reason.
 */
import * as socket from 'bsd-socket';

const cache = new Map<string, string | null>();

/** null when a socket can be created; otherwise the reason to print in a skip. */
export function skipReason(family: number | undefined, type: number | undefined = socket.SOCK_STREAM, proto = 0): string | null {
  if (family === undefined || type === undefined) return 'constant not defined by this platform\'s headers';
  const key = `${family}/${type}/${proto}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  let reason: string | null = null;
  try {
    socket.socket(family, type, proto).close();
  } catch (e) {
    const err = e as socket.OSError;
    reason = `kernel refuses family ${family} type ${type} proto ${proto}: ${err.code ?? ''} ${err.message}`;
  }
  cache.set(key, reason);
  return reason;
}
