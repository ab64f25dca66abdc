/* Builders of the lists that libc hands back: if_nameindex(3), getaddrinfo(3)
 * and the hostent of gethostby*_r(3).  Plain C (no Node-API): they emit into
 * a bs_emit (emit.h), so the addon (netinfo.c, resolver.c) and the fuzz
 * harnesses run the same code. */
#ifndef BS_RESULTS_H
#define BS_RESULTS_H

#include <net/if.h>
#include <netdb.h>
#include <stdbool.h>

#include "emit.h"

/* [[index, nameBytes], ...] up to the terminating entry. */
void bs_emit_nameindex(const struct if_nameindex *ni, bs_emit *out);
/* [[family, type, proto, canonname, address], ...]: the address is the
 * sockaddr's bytes, or (decoded) bs_sockaddr_decode_inet's form. */
void bs_emit_addrinfo(const struct addrinfo *ai, bool decoded, bs_emit *out);
/* [h_name, [aliases...], [address texts...]] as CPython's gethost_common. */
void bs_emit_hostent(const struct hostent *h, bs_emit *out);

#endif
