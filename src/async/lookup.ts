/**
 * Host look-ups for the twins, off the thread: the name-services module's
 * getaddrinfo twin (libuv's thread pool), so failures are the same gaierror
 * the sync path raises.
 */
import { native } from '../native.js';
import { SOCK_STREAM } from '../constants.js';
import { OSError } from '../errors.js';
import { getaddrinfoAsync, type AddrInfo } from '../resolver.js';

/** The packed address bytes of `host` for `family` (AF_INET or AF_INET6), resolved off the thread. */
export async function lookupHost(caller: string, host: string, family: number, signal?: AbortSignal): Promise<Uint8Array> {
  const infos = await getaddrinfoAsync(host, null, family, 0, 0, 0, signal === undefined ? {} : { signal });
  const first = infos[0];
  if (first === undefined) throw new OSError(`${caller}(): getaddrinfo returned no address`);
  const packed = native.inet_pton(family, first[4][0]);
  if (!(packed instanceof Buffer)) throw new OSError(`${caller}(): unexpected address from the resolver`);
  return packed;
}

/** getaddrinfo(host, port, 0, SOCK_STREAM) off the thread, in the resolver's order (create_connection). */
export function lookupStream(host: string | null, port: number | string, signal?: AbortSignal): Promise<AddrInfo[]> {
  return getaddrinfoAsync(host, port, 0, SOCK_STREAM, 0, 0, signal === undefined ? {} : { signal });
}
