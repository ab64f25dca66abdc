/* sockaddr encoders and decoders of every family, and the text forms of
 * IPv4/IPv6 addresses (see sockaddr.h).  Plain C: the addon's exports and
 * the fuzz harnesses call the same functions. */
#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "family_headers.h"

/* ---- decoders --------------------------------------------------------------- */

static void emit_inet_host(bs_emit *out, int family, const void *addr) {
  char host[INET6_ADDRSTRLEN];
  if (inet_ntop(family, addr, host, sizeof host) == NULL) host[0] = '\0';
  bs_emit_cstr(out, host);
}

/* The families of family_headers.h; false (nothing emitted) when the family
 * is not one of them or the address is too short for its struct.  Where the
 * public form depends on the protocol (CAN, Bluetooth), the kernel's address
 * length tells them apart: each protocol returns its own minimal length. */
static bool decode_family(const struct sockaddr *sa, socklen_t len, bs_emit *out) {
  switch (sa->sa_family) {
#ifdef BS_HAVE_NETLINK
    case AF_NETLINK: {
      if (len < sizeof(struct sockaddr_nl)) return false;
      const struct sockaddr_nl *nl = (const struct sockaddr_nl *)sa;
      out->open(out);
      out->integer(out, AF_NETLINK);
      out->integer(out, nl->nl_pid);
      out->integer(out, nl->nl_groups);
      out->close(out);
      return true;
    }
#endif
#ifdef BS_HAVE_PACKET
    case AF_PACKET: {
      /* The kernel may report fewer address bytes than sockaddr_ll holds. */
      if (len < offsetof(struct sockaddr_ll, sll_addr)) return false;
      const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;
      size_t halen = ll->sll_halen;
      size_t room = len - offsetof(struct sockaddr_ll, sll_addr);
      if (halen > room) halen = room;
      out->open(out);
      out->integer(out, AF_PACKET);
      out->ifname(out, ll->sll_ifindex);
      out->integer(out, ntohs(ll->sll_protocol));
      out->integer(out, ll->sll_pkttype);
      out->integer(out, ll->sll_hatype);
      out->bytes(out, ll->sll_addr, halen);
      out->integer(out, ll->sll_ifindex);
      out->close(out);
      return true;
    }
#endif
#ifdef BS_HAVE_VSOCK
    case AF_VSOCK: {
      if (len < sizeof(struct sockaddr_vm)) return false;
      const struct sockaddr_vm *vm = (const struct sockaddr_vm *)sa;
      out->open(out);
      out->integer(out, AF_VSOCK);
      out->integer(out, vm->svm_cid);
      out->integer(out, vm->svm_port);
      out->close(out);
      return true;
    }
#endif
#ifdef BS_HAVE_CAN
    case AF_CAN: {
      if (len < offsetof(struct sockaddr_can, can_addr)) return false;
      const struct sockaddr_can *can = (const struct sockaddr_can *)sa;
      size_t head = offsetof(struct sockaddr_can, can_addr);
      out->open(out);
      out->integer(out, AF_CAN);
      out->ifname(out, can->can_ifindex);
#if __has_include(<linux/can/j1939.h>)
      if (len >= head + sizeof can->can_addr.j1939) {
        out->bigint(out, can->can_addr.j1939.name);
        out->integer(out, can->can_addr.j1939.pgn);
        out->integer(out, can->can_addr.j1939.addr);
        out->close(out);
        return true;
      }
#endif
      if (len >= head + sizeof can->can_addr.tp) {
        out->integer(out, can->can_addr.tp.rx_id);
        out->integer(out, can->can_addr.tp.tx_id);
      }
      out->close(out);
      return true;
    }
#endif
#ifdef BS_HAVE_ALG
    case AF_ALG: {
      if (len < sizeof(struct sockaddr_alg)) return false;
      const struct sockaddr_alg *alg = (const struct sockaddr_alg *)sa;
      out->open(out);
      out->integer(out, AF_ALG);
      out->bytes(out, alg->salg_type, strnlen((const char *)alg->salg_type, sizeof alg->salg_type));
      out->bytes(out, alg->salg_name, strnlen((const char *)alg->salg_name, sizeof alg->salg_name));
      out->integer(out, alg->salg_feat);
      out->integer(out, alg->salg_mask);
      out->close(out);
      return true;
    }
#endif
#ifdef BS_HAVE_TIPC
    case AF_TIPC: {
      if (len < sizeof(struct sockaddr_tipc)) return false;
      const struct sockaddr_tipc *t = (const struct sockaddr_tipc *)sa;
      uint32_t v1, v2, v3;
      if (t->addrtype == TIPC_ADDR_NAMESEQ) {
        v1 = t->addr.nameseq.type; v2 = t->addr.nameseq.lower; v3 = t->addr.nameseq.upper;
      } else if (t->addrtype == TIPC_ADDR_NAME) {
        v1 = t->addr.name.name.type; v2 = t->addr.name.name.instance; v3 = v2;
      } else if (t->addrtype == TIPC_ADDR_ID) {
        v1 = t->addr.id.node; v2 = t->addr.id.ref; v3 = 0;
      } else {
        return false; /* unknown address type: the raw bytes */
      }
      out->open(out);
      out->integer(out, AF_TIPC);
      out->integer(out, t->addrtype);
      out->integer(out, v1);
      out->integer(out, v2);
      out->integer(out, v3);
      out->integer(out, (uint8_t)t->scope);
      out->close(out);
      return true;
    }
#endif
#ifdef BS_HAVE_QIPCRTR
    case AF_QIPCRTR: {
      if (len < sizeof(struct sockaddr_qrtr)) return false;
      const struct sockaddr_qrtr *q = (const struct sockaddr_qrtr *)sa;
      out->open(out);
      out->integer(out, AF_QIPCRTR);
      out->integer(out, q->sq_node);
      out->integer(out, q->sq_port);
      out->close(out);
      return true;
    }
#endif
#ifdef AF_RDS
    case AF_RDS: {
      /* RDS uses sockaddr_in: [host, port], as CPython. */
      if (len < sizeof(struct sockaddr_in)) return false;
      const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
      out->open(out);
      out->integer(out, AF_RDS);
      emit_inet_host(out, AF_INET, &sin->sin_addr);
      out->integer(out, ntohs(sin->sin_port));
      out->close(out);
      return true;
    }
#endif
#ifdef BS_HAVE_BLUETOOTH
    case AF_BLUETOOTH: {
      /* Told apart by length: l2 > sco > rc > hci on Linux. */
      if (len >= sizeof(struct sockaddr_l2)) {
        const struct sockaddr_l2 *a = (const struct sockaddr_l2 *)sa;
        out->open(out);
        out->integer(out, AF_BLUETOOTH);
        bs_emit_cstr(out, "l2cap");
        out->bytes(out, a->l2_bdaddr.b, 6);
        out->integer(out, btohs(a->l2_psm));
        out->close(out);
        return true;
      }
      if (len == sizeof(struct sockaddr_rc)) {
        const struct sockaddr_rc *a = (const struct sockaddr_rc *)sa;
        out->open(out);
        out->integer(out, AF_BLUETOOTH);
        bs_emit_cstr(out, "rfcomm");
        out->bytes(out, a->rc_bdaddr.b, 6);
        out->integer(out, a->rc_channel);
        out->close(out);
        return true;
      }
      if (len == sizeof(struct sockaddr_sco)) {
        const struct sockaddr_sco *a = (const struct sockaddr_sco *)sa;
        out->open(out);
        out->integer(out, AF_BLUETOOTH);
        bs_emit_cstr(out, "sco");
        out->bytes(out, a->sco_bdaddr.b, 6);
        out->close(out);
        return true;
      }
      if (len == sizeof(struct sockaddr_hci)) {
        const struct sockaddr_hci *a = (const struct sockaddr_hci *)sa;
        out->open(out);
        out->integer(out, AF_BLUETOOTH);
        bs_emit_cstr(out, "hci");
        out->integer(out, a->hci_dev);
        out->close(out);
        return true;
      }
      return false;
    }
#endif
    default:
      return false;
  }
}

void bs_sockaddr_decode(const struct sockaddr *sa, socklen_t len, bs_emit *out) {
  if (len > sizeof(struct sockaddr_storage)) len = sizeof(struct sockaddr_storage);
  if (len == 0 || len < offsetof(struct sockaddr, sa_data)) {
    out->null(out);
    return;
  }
  switch (sa->sa_family) {
    case AF_INET: {
      if (len < sizeof(struct sockaddr_in)) break;
      const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
      out->open(out);
      out->integer(out, AF_INET);
      emit_inet_host(out, AF_INET, &sin->sin_addr);
      out->integer(out, ntohs(sin->sin_port));
      out->close(out);
      return;
    }
    case AF_INET6: {
      if (len < sizeof(struct sockaddr_in6)) break;
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
      out->open(out);
      out->integer(out, AF_INET6);
      emit_inet_host(out, AF_INET6, &sin6->sin6_addr);
      out->integer(out, ntohs(sin6->sin6_port));
      out->integer(out, ntohl(sin6->sin6_flowinfo));
      out->integer(out, sin6->sin6_scope_id);
      out->close(out);
      return;
    }
    case AF_UNIX: {
      const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
      size_t off = offsetof(struct sockaddr_un, sun_path);
      size_t n = len > off ? len - off : 0;
      if (n > sizeof sun->sun_path) n = sizeof sun->sun_path;
      out->open(out);
      out->integer(out, AF_UNIX);
#ifdef __linux__
      if (n > 0 && sun->sun_path[0] == '\0') {
        /* Abstract name: every byte counts, NULs included. */
        out->bytes(out, sun->sun_path, n);
        out->close(out);
        return;
      }
#endif
      out->bytes(out, sun->sun_path, strnlen(sun->sun_path, n));
      out->close(out);
      return;
    }
    default:
      if (decode_family(sa, len, out)) return;
      break;
  }
  /* Unknown family or short address: the family and its raw bytes. */
  size_t off = offsetof(struct sockaddr, sa_data);
  out->open(out);
  out->integer(out, sa->sa_family);
  out->bytes(out, (const char *)sa + off, len - off);
  out->close(out);
}

void bs_sockaddr_decode_inet(const struct sockaddr *sa, socklen_t len, bs_emit *out) {
  if (len > sizeof(struct sockaddr_storage)) len = sizeof(struct sockaddr_storage);
  if (len >= sizeof(struct sockaddr_in) && sa->sa_family == AF_INET) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
    out->open(out);
    emit_inet_host(out, AF_INET, &sin->sin_addr);
    out->integer(out, ntohs(sin->sin_port));
    out->close(out);
    return;
  }
  if (len >= sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
    out->open(out);
    emit_inet_host(out, AF_INET6, &sin6->sin6_addr);
    out->integer(out, ntohs(sin6->sin6_port));
    out->integer(out, ntohl(sin6->sin6_flowinfo));
    out->integer(out, sin6->sin6_scope_id);
    out->close(out);
    return;
  }
  out->bytes(out, sa, len);
}

/* ---- encoders --------------------------------------------------------------- */

static const char wrong_packed[] = "native: packed address has the wrong length";
static const char port_range[] = "native: port out of range";

int64_t bs_encode_inet(struct sockaddr_storage *ss, const void *packed, size_t packed_len,
                       uint32_t port, const char **why) {
  if (packed_len != 4) return (*why = wrong_packed, 0);
  if (port > 65535) return (*why = port_range, 0);
  struct sockaddr_in *sin = (struct sockaddr_in *)ss;
#ifdef __APPLE__
  sin->sin_len = sizeof *sin;
#endif
  sin->sin_family = AF_INET;
  sin->sin_port = htons((uint16_t)port);
  memcpy(&sin->sin_addr, packed, 4);
  return sizeof *sin;
}

int64_t bs_encode_inet6(struct sockaddr_storage *ss, const void *packed, size_t packed_len,
                        uint32_t port, uint32_t flowinfo, uint32_t scope_id, const char **why) {
  if (packed_len != 16) return (*why = wrong_packed, 0);
  if (port > 65535) return (*why = port_range, 0);
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
#ifdef __APPLE__
  sin6->sin6_len = sizeof *sin6;
#endif
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons((uint16_t)port);
  sin6->sin6_flowinfo = htonl(flowinfo);
  memcpy(&sin6->sin6_addr, packed, 16);
  sin6->sin6_scope_id = scope_id;
  return sizeof *sin6;
}

int64_t bs_encode_unix(struct sockaddr_storage *ss, const void *path, size_t len) {
  struct sockaddr_un *sun = (struct sockaddr_un *)ss;
  /* An abstract name (leading NUL) or the empty autobind name may fill
   * sun_path; a filesystem path needs room for its terminating NUL, which
   * is counted in the length (CPython's getsockaddrarg does the same). */
  bool filesystem = true;
#ifdef __linux__
  if (len == 0 || ((const char *)path)[0] == '\0') filesystem = false;
#endif
  if (filesystem ? len >= sizeof sun->sun_path : len > sizeof sun->sun_path) return -ENAMETOOLONG;
  sun->sun_family = AF_UNIX;
  if (len > 0) memcpy(sun->sun_path, path, len); /* the empty name may be a NULL buffer */
  size_t total = offsetof(struct sockaddr_un, sun_path) + len + (filesystem ? 1 : 0);
#ifdef __APPLE__
  sun->sun_len = (unsigned char)total;
#endif
  return (int64_t)total;
}

int64_t bs_encode_raw(struct sockaddr_storage *ss, int32_t family, const void *data, size_t len,
                      const char **why) {
  size_t off = offsetof(struct sockaddr, sa_data);
  if (len > sizeof(struct sockaddr_storage) - off) return (*why = "native: raw address too long", 0);
  ss->ss_family = (sa_family_t)family;
  if (len > 0) memcpy((char *)ss + off, data, len);
  return (int64_t)(off + len);
}

#ifdef BS_HAVE_NETLINK
int64_t bs_encode_netlink(struct sockaddr_storage *ss, uint32_t pid, uint32_t groups) {
  struct sockaddr_nl *nl = (struct sockaddr_nl *)ss;
  nl->nl_family = AF_NETLINK;
  nl->nl_pid = pid;
  nl->nl_groups = groups;
  return sizeof *nl;
}
#endif

#ifdef BS_HAVE_PACKET
int64_t bs_encode_packet(struct sockaddr_storage *ss, int32_t ifindex, uint32_t proto,
                         uint32_t pkttype, uint32_t hatype, const void *haddr, size_t halen,
                         const char **why) {
  struct sockaddr_ll *ll = (struct sockaddr_ll *)ss;
  if (halen > sizeof ll->sll_addr) return (*why = "native: hardware address too long", 0);
  if (proto > 0xffff) return (*why = "native: proto out of range", 0);
  ll->sll_family = AF_PACKET;
  ll->sll_protocol = htons((uint16_t)proto);
  ll->sll_ifindex = ifindex;
  ll->sll_pkttype = (unsigned char)pkttype;
  ll->sll_hatype = (unsigned short)hatype;
  ll->sll_halen = (unsigned char)halen;
  if (halen > 0) memcpy(ll->sll_addr, haddr, halen);
  return sizeof *ll;
}
#endif

#ifdef BS_HAVE_VSOCK
int64_t bs_encode_vsock(struct sockaddr_storage *ss, uint32_t cid, uint32_t port) {
  struct sockaddr_vm *vm = (struct sockaddr_vm *)ss;
  vm->svm_family = AF_VSOCK;
  vm->svm_cid = cid;
  vm->svm_port = port;
  return sizeof *vm;
}
#endif

#ifdef BS_HAVE_CAN
int64_t bs_encode_can(struct sockaddr_storage *ss, int32_t ifindex) {
  struct sockaddr_can *can = (struct sockaddr_can *)ss;
  can->can_family = AF_CAN;
  can->can_ifindex = ifindex;
  return sizeof *can;
}

int64_t bs_encode_can_isotp(struct sockaddr_storage *ss, int32_t ifindex, uint32_t rx_id, uint32_t tx_id) {
  struct sockaddr_can *can = (struct sockaddr_can *)ss;
  can->can_family = AF_CAN;
  can->can_ifindex = ifindex;
  can->can_addr.tp.rx_id = rx_id;
  can->can_addr.tp.tx_id = tx_id;
  return sizeof *can;
}

#if __has_include(<linux/can/j1939.h>)
int64_t bs_encode_can_j1939(struct sockaddr_storage *ss, int32_t ifindex, uint64_t name, uint32_t pgn,
                            uint32_t addr) {
  struct sockaddr_can *can = (struct sockaddr_can *)ss;
  can->can_family = AF_CAN;
  can->can_ifindex = ifindex;
  can->can_addr.j1939.name = name;
  can->can_addr.j1939.pgn = pgn;
  can->can_addr.j1939.addr = (uint8_t)addr;
  return sizeof *can;
}
#endif
#endif

#ifdef BS_HAVE_ALG
/* Both names must leave room for their NUL (TypeScript raises Python's
 * ValueError first). */
int64_t bs_encode_alg(struct sockaddr_storage *ss, const void *type, size_t tlen, const void *name,
                      size_t nlen, uint32_t feat, uint32_t mask, const char **why) {
  struct sockaddr_alg *alg = (struct sockaddr_alg *)ss;
  if (sizeof *alg > sizeof(struct sockaddr_storage)) return (*why = "native: sockaddr_alg too large", 0);
  if (tlen >= sizeof alg->salg_type) return (*why = "native: AF_ALG type too long", 0);
  if (nlen >= sizeof alg->salg_name) return (*why = "native: AF_ALG name too long", 0);
  alg->salg_family = AF_ALG;
  if (tlen > 0) memcpy(alg->salg_type, type, tlen);
  if (nlen > 0) memcpy(alg->salg_name, name, nlen);
  alg->salg_feat = feat;
  alg->salg_mask = mask;
  return sizeof *alg;
}
#endif

#ifdef BS_HAVE_TIPC
int64_t bs_encode_tipc(struct sockaddr_storage *ss, uint32_t addrtype, uint32_t v1, uint32_t v2,
                       uint32_t v3, uint32_t scope) {
  struct sockaddr_tipc *t = (struct sockaddr_tipc *)ss;
  t->family = AF_TIPC;
  t->addrtype = (unsigned char)addrtype;
  t->scope = (signed char)scope;
  if (addrtype == TIPC_ADDR_NAMESEQ) {
    t->addr.nameseq.type = v1;
    t->addr.nameseq.lower = v2;
    t->addr.nameseq.upper = v3;
  } else if (addrtype == TIPC_ADDR_NAME) {
    t->addr.name.name.type = v1;
    t->addr.name.name.instance = v2;
  } else if (addrtype == TIPC_ADDR_ID) {
    t->addr.id.node = v1;
    t->addr.id.ref = v2;
  } else {
    return -EINVAL;
  }
  return sizeof *t;
}
#endif

#ifdef BS_HAVE_QIPCRTR
int64_t bs_encode_qipcrtr(struct sockaddr_storage *ss, uint32_t node, uint32_t port) {
  struct sockaddr_qrtr *q = (struct sockaddr_qrtr *)ss;
  q->sq_family = AF_QIPCRTR;
  q->sq_node = node;
  q->sq_port = port;
  return sizeof *q;
}
#endif

#ifdef AF_RDS
/* RDS addresses are sockaddr_in. */
int64_t bs_encode_rds(struct sockaddr_storage *ss, const void *packed, size_t packed_len, uint32_t port,
                      const char **why) {
  if (packed_len != 4) return (*why = wrong_packed, 0);
  if (port > 65535) return (*why = port_range, 0);
  struct sockaddr_in *sin = (struct sockaddr_in *)ss;
  sin->sin_family = AF_RDS;
  sin->sin_port = htons((uint16_t)port);
  memcpy(&sin->sin_addr, packed, 4);
  return sizeof *sin;
}
#endif

#ifdef BS_HAVE_BLUETOOTH
static const char bdaddr_size[] = "native: bdaddr must be 6 bytes";

int64_t bs_encode_bt_l2cap(struct sockaddr_storage *ss, const void *bdaddr, size_t blen, uint32_t psm,
                           const char **why) {
  struct sockaddr_l2 *a = (struct sockaddr_l2 *)ss;
  if (blen != sizeof a->l2_bdaddr.b) return (*why = bdaddr_size, 0);
  memcpy(a->l2_bdaddr.b, bdaddr, blen);
  a->l2_family = AF_BLUETOOTH;
  a->l2_psm = htobs((uint16_t)psm);
  return sizeof *a;
}

int64_t bs_encode_bt_rfcomm(struct sockaddr_storage *ss, const void *bdaddr, size_t blen,
                            uint32_t channel, const char **why) {
  struct sockaddr_rc *a = (struct sockaddr_rc *)ss;
  if (blen != sizeof a->rc_bdaddr.b) return (*why = bdaddr_size, 0);
  memcpy(a->rc_bdaddr.b, bdaddr, blen);
  a->rc_family = AF_BLUETOOTH;
  a->rc_channel = (uint8_t)channel;
  return sizeof *a;
}

int64_t bs_encode_bt_hci(struct sockaddr_storage *ss, uint32_t dev) {
  struct sockaddr_hci *a = (struct sockaddr_hci *)ss;
  a->hci_family = AF_BLUETOOTH;
  a->hci_dev = (unsigned short)dev;
  return sizeof *a;
}

int64_t bs_encode_bt_sco(struct sockaddr_storage *ss, const void *bdaddr, size_t blen, const char **why) {
  struct sockaddr_sco *a = (struct sockaddr_sco *)ss;
  if (blen != sizeof a->sco_bdaddr.b) return (*why = bdaddr_size, 0);
  memcpy(a->sco_bdaddr.b, bdaddr, blen);
  a->sco_family = AF_BLUETOOTH;
  return sizeof *a;
}
#endif

/* ---- text forms --------------------------------------------------------------- */

/* No address text is longer (an IPv6 literal with an embedded IPv4 is 45). */
#define TEXT_LIMIT 63

int bs_inet_pton_text(int family, const char *text, size_t n, void *out) {
  /* An embedded NUL would make inet_pton read a prefix: not an address. */
  if (memchr(text, '\0', n) != NULL) return -1;
  if (family != AF_INET && family != AF_INET6) return -EAFNOSUPPORT;
  if (n > TEXT_LIMIT) return 0;
  char buf[TEXT_LIMIT + 1];
  memcpy(buf, text, n);
  buf[n] = '\0';
  int r = inet_pton(family, buf, out);
  if (r < 0) return -errno;
  if (r == 0) return 0;
  return family == AF_INET ? 4 : 16;
}

int bs_inet_aton_text(const char *text, size_t n, void *out4) {
  /* glibc stops at a space, so a long text may still start with an address:
   * it is read whole, from the heap when it is long. */
  char small[256];
  char *buf = n < sizeof small ? small : malloc(n + 1);
  if (buf == NULL) return -1;
  memcpy(buf, text, n);
  buf[n] = '\0';
  struct in_addr a;
  int ok = inet_aton(buf, &a);
  if (buf != small) free(buf);
  if (!ok) return 0;
  memcpy(out4, &a, 4);
  return 1;
}

int bs_inet_ntop_text(int family, const void *packed, size_t len, char *out, size_t cap,
                      const char **why) {
  size_t want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
  if (want == 0) return -EAFNOSUPPORT;
  if (len != want) return (*why = wrong_packed, 0);
  if (inet_ntop(family, packed, out, (socklen_t)cap) == NULL) return -errno;
  return (int)strlen(out);
}
