/* sockaddr codecs of every family, and the text forms of IPv4/IPv6
 * addresses: plain C (no Node-API), called by the addon's exports
 * (addresses.c, families.c, netinfo.c) and by the fuzz harnesses.
 *
 * Encoders write into a zeroed sockaddr_storage and return the address
 * length; 0 means an argument breaks a bound of the struct (*why names it,
 * the addon throws RangeError), a negative value is -errno for the caller.
 * Decoders emit [family, ...fields], or null for an empty address. */
#ifndef BS_SOCKADDR_H
#define BS_SOCKADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "emit.h"

/* Decodes len bytes of an 8-aligned sockaddr; len is clipped to the storage. */
void bs_sockaddr_decode(const struct sockaddr *sa, socklen_t len, bs_emit *out);
/* The resolver's form: AF_INET [host, port], AF_INET6 [host, port, flowinfo,
 * scope_id], any other family (or a short address) the sockaddr's bytes. */
void bs_sockaddr_decode_inet(const struct sockaddr *sa, socklen_t len, bs_emit *out);

int64_t bs_encode_inet(struct sockaddr_storage *ss, const void *packed, size_t packed_len,
                       uint32_t port, const char **why);
int64_t bs_encode_inet6(struct sockaddr_storage *ss, const void *packed, size_t packed_len,
                        uint32_t port, uint32_t flowinfo, uint32_t scope_id, const char **why);
/* -ENAMETOOLONG when the path does not fit; an empty path is the bare family. */
int64_t bs_encode_unix(struct sockaddr_storage *ss, const void *path, size_t len);
int64_t bs_encode_raw(struct sockaddr_storage *ss, int32_t family, const void *data, size_t len,
                      const char **why);
int64_t bs_encode_netlink(struct sockaddr_storage *ss, uint32_t pid, uint32_t groups);
int64_t bs_encode_packet(struct sockaddr_storage *ss, int32_t ifindex, uint32_t proto,
                         uint32_t pkttype, uint32_t hatype, const void *haddr, size_t halen,
                         const char **why);
int64_t bs_encode_vsock(struct sockaddr_storage *ss, uint32_t cid, uint32_t port);
int64_t bs_encode_can(struct sockaddr_storage *ss, int32_t ifindex);
int64_t bs_encode_can_isotp(struct sockaddr_storage *ss, int32_t ifindex, uint32_t rx_id, uint32_t tx_id);
int64_t bs_encode_can_j1939(struct sockaddr_storage *ss, int32_t ifindex, uint64_t name, uint32_t pgn,
                            uint32_t addr);
int64_t bs_encode_alg(struct sockaddr_storage *ss, const void *type, size_t tlen, const void *name,
                      size_t nlen, uint32_t feat, uint32_t mask, const char **why);
/* -EINVAL for an unknown address type. */
int64_t bs_encode_tipc(struct sockaddr_storage *ss, uint32_t addrtype, uint32_t v1, uint32_t v2,
                       uint32_t v3, uint32_t scope);
int64_t bs_encode_qipcrtr(struct sockaddr_storage *ss, uint32_t node, uint32_t port);
int64_t bs_encode_rds(struct sockaddr_storage *ss, const void *packed, size_t packed_len, uint32_t port,
                      const char **why);
/* Bluetooth: bdaddr is the six address bytes, least significant first. */
int64_t bs_encode_bt_l2cap(struct sockaddr_storage *ss, const void *bdaddr, size_t blen, uint32_t psm,
                           const char **why);
int64_t bs_encode_bt_rfcomm(struct sockaddr_storage *ss, const void *bdaddr, size_t blen,
                            uint32_t channel, const char **why);
int64_t bs_encode_bt_hci(struct sockaddr_storage *ss, uint32_t dev);
int64_t bs_encode_bt_sco(struct sockaddr_storage *ss, const void *bdaddr, size_t blen, const char **why);

/* Text to packed address.  text is n bytes, not NUL-terminated, any bytes.
 * Returns 4 or 16 (bytes written to out, which has room for 16), 0 when the
 * text is not an address of the family, -1 when it holds a NUL, -errno
 * (-EAFNOSUPPORT) for another family. */
int bs_inet_pton_text(int family, const char *text, size_t n, void *out);
/* inet_aton(3) of n bytes of text: 1 with the address in *out, 0 when not an
 * address (a NUL in the text ends it, as in C). -1: out of memory. */
int bs_inet_aton_text(const char *text, size_t n, void *out4);
/* Packed to NUL-terminated text in out (cap >= 46 bytes): its length,
 * -EAFNOSUPPORT for another family, 0 when len is not the family's (*why). */
int bs_inet_ntop_text(int family, const void *packed, size_t len, char *out, size_t cap,
                      const char **why);

#endif
