/* Every family's encoder (bs_encode_*), then the decoder on its result:
 * an encoded address decodes to the fields it was built from (the codecs'
 * round trip), and an out-of-range field is refused with a reason, writing
 * nothing past the sockaddr_storage.  Input: a family selector byte, then
 * the fields (little-endian integers, byte runs) taken as needed. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/un.h>

#include "../native/family_headers.h"
#include "../native/sockaddr.h"
#include "sink.h"

static sink s;

/* The k-th event, checked to be of the kind. */
static const ev *at(size_t k, int kind) {
  CHECK(k < s.count);
  CHECK(s.evs[k].kind == kind);
  return &s.evs[k];
}

static void check_int(size_t k, int64_t v) { CHECK(at(k, EV_INT)->i == v); }

static void check_bytes(size_t k, const void *p, size_t n) {
  const ev *e = at(k, EV_BYTES);
  CHECK(e->n == n);
  CHECK(memcmp(e->data, p, n < sizeof e->data ? n : sizeof e->data) == 0);
}

/* A host text that parses back to the packed bytes. */
static void check_host(size_t k, int family, const void *packed, size_t n) {
  const ev *e = at(k, EV_TEXT);
  unsigned char back[16];
  CHECK(bs_inet_pton_text(family, (const char *)e->data, e->n, back) == (int)n);
  CHECK(memcmp(back, packed, n) == 0);
}

static void decode(struct sockaddr_storage *ss, int64_t len) {
  CHECK(len > 0 && (size_t)len <= sizeof *ss);
  /* The decoder reads exactly the encoded length, from a heap copy. */
  struct sockaddr *sa = malloc((size_t)len);
  CHECK(sa != NULL);
  memcpy(sa, ss, (size_t)len);
  sink_init(&s);
  bs_sockaddr_decode(sa, (socklen_t)len, &s.base);
  sink_check_one_value(&s);
  free(sa);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  input in = {data + 1, size - 1};
  /* The storage sits in a larger zeroed block whose tail must stay zero. */
  unsigned char block[sizeof(struct sockaddr_storage) + 64];
  memset(block, 0, sizeof block);
  struct sockaddr_storage *ss = (struct sockaddr_storage *)block;
  const char *why = NULL;
  int64_t r;
  size_t n, n2;
  switch (data[0] % 16) {
    case 0: { /* AF_INET */
      uint8_t *packed = take_bytes(&in, 4 + (take_u(&in, 1) % 3 == 0), &n);
      uint32_t port = (uint32_t)take_u(&in, 3);
      r = bs_encode_inet(ss, packed, n, port, &why);
      if (n != 4 || port > 65535) {
        CHECK(r == 0 && why != NULL);
      } else {
        decode(ss, r);
        check_int(1, AF_INET);
        check_host(2, AF_INET, packed, 4);
        check_int(3, port);
      }
      free(packed);
      break;
    }
    case 1: { /* AF_INET6 */
      uint8_t *packed = take_bytes(&in, 16 + (take_u(&in, 1) % 3 == 0), &n);
      uint32_t port = (uint32_t)take_u(&in, 3), flow = (uint32_t)take_u(&in, 4),
               scope = (uint32_t)take_u(&in, 4);
      r = bs_encode_inet6(ss, packed, n, port, flow, scope, &why);
      if (n != 16 || port > 65535) {
        CHECK(r == 0 && why != NULL);
      } else {
        decode(ss, r);
        check_int(1, AF_INET6);
        check_host(2, AF_INET6, packed, 16);
        check_int(3, port);
        check_int(4, flow);
        check_int(5, scope);
      }
      free(packed);
      break;
    }
    case 2: { /* AF_UNIX: filesystem, abstract and empty names */
      uint8_t *path = take_bytes(&in, take_u(&in, 1), &n);
      r = bs_encode_unix(ss, path, n);
      size_t room = sizeof(((struct sockaddr_un *)0)->sun_path);
      bool abstract = n == 0 || path[0] == '\0';
      if (abstract ? n > room : n >= room) {
        CHECK(r == -ENAMETOOLONG);
      } else {
        CHECK(r == (int64_t)(offsetof(struct sockaddr_un, sun_path) + n + (abstract ? 0 : 1)));
        decode(ss, r);
        check_int(1, AF_UNIX);
        /* A filesystem name ends at its first NUL; an abstract one is whole. */
        check_bytes(2, path, abstract ? n : strnlen((const char *)path, n));
      }
      free(path);
      break;
    }
    case 3: { /* raw bytes of any family */
      int32_t family = (int32_t)take_u(&in, 4);
      uint8_t *bytes = take_bytes(&in, take_u(&in, 1), &n);
      r = bs_encode_raw(ss, family, bytes, n, &why);
      if (n > sizeof *ss - offsetof(struct sockaddr, sa_data)) {
        CHECK(r == 0 && why != NULL);
      } else {
        decode(ss, r);
        if (s.evs[0].kind == EV_OPEN) check_int(1, (sa_family_t)family);
      }
      free(bytes);
      break;
    }
#ifdef BS_HAVE_NETLINK
    case 4: {
      uint32_t pid = (uint32_t)take_u(&in, 4), groups = (uint32_t)take_u(&in, 4);
      decode(ss, bs_encode_netlink(ss, pid, groups));
      check_int(1, AF_NETLINK);
      check_int(2, pid);
      check_int(3, groups);
      break;
    }
#endif
#ifdef BS_HAVE_PACKET
    case 5: {
      int32_t ifindex = (int32_t)take_u(&in, 4);
      uint32_t proto = (uint32_t)take_u(&in, 3), pkttype = (uint32_t)take_u(&in, 1),
               hatype = (uint32_t)take_u(&in, 2);
      uint8_t *haddr = take_bytes(&in, take_u(&in, 1) % 12, &n);
      r = bs_encode_packet(ss, ifindex, proto, pkttype, hatype, haddr, n, &why);
      if (n > 8 || proto > 0xffff) {
        CHECK(r == 0 && why != NULL);
      } else {
        decode(ss, r);
        check_int(1, AF_PACKET);
        CHECK(at(2, EV_IFNAME)->i == ifindex);
        check_int(3, proto);
        check_int(4, pkttype);
        check_int(5, hatype);
        check_bytes(6, haddr, n);
        check_int(7, ifindex);
      }
      free(haddr);
      break;
    }
#endif
#ifdef BS_HAVE_VSOCK
    case 6: {
      uint32_t cid = (uint32_t)take_u(&in, 4), port = (uint32_t)take_u(&in, 4);
      decode(ss, bs_encode_vsock(ss, cid, port));
      check_int(1, AF_VSOCK);
      check_int(2, cid);
      check_int(3, port);
      break;
    }
#endif
#ifdef BS_HAVE_CAN
    case 7: {
      int32_t ifindex = (int32_t)take_u(&in, 4);
      decode(ss, bs_encode_can(ss, ifindex));
      check_int(1, AF_CAN);
      CHECK(at(2, EV_IFNAME)->i == ifindex);
      break;
    }
#if __has_include(<linux/can/j1939.h>)
    case 8: {
      int32_t ifindex = (int32_t)take_u(&in, 4);
      uint64_t name = take_u(&in, 8);
      uint32_t pgn = (uint32_t)take_u(&in, 4), addr = (uint32_t)take_u(&in, 1);
      decode(ss, bs_encode_can_j1939(ss, ifindex, name, pgn, addr));
      check_int(1, AF_CAN);
      CHECK(at(2, EV_IFNAME)->i == ifindex);
      CHECK(at(3, EV_BIGINT)->u == name);
      check_int(4, pgn);
      check_int(5, addr);
      break;
    }
#endif
    case 9: {
      int32_t ifindex = (int32_t)take_u(&in, 4);
      uint32_t rx = (uint32_t)take_u(&in, 4), tx = (uint32_t)take_u(&in, 4);
      decode(ss, bs_encode_can_isotp(ss, ifindex, rx, tx));
      check_int(1, AF_CAN);
      CHECK(at(2, EV_IFNAME)->i == ifindex);
      break;
    }
#endif
#ifdef BS_HAVE_ALG
    case 10: {
      uint8_t *type = take_bytes(&in, take_u(&in, 1) % 20, &n);
      uint8_t *name = take_bytes(&in, take_u(&in, 1) % 70, &n2);
      uint32_t feat = (uint32_t)take_u(&in, 4), mask = (uint32_t)take_u(&in, 4);
      r = bs_encode_alg(ss, type, n, name, n2, feat, mask, &why);
      if (n >= 14 || n2 >= 64) {
        CHECK(r == 0 && why != NULL);
      } else {
        decode(ss, r);
        check_int(1, AF_ALG);
        check_bytes(2, type, strnlen((const char *)type, n));
        check_bytes(3, name, strnlen((const char *)name, n2));
        check_int(4, feat);
        check_int(5, mask);
      }
      free(type);
      free(name);
      break;
    }
#endif
#ifdef BS_HAVE_TIPC
    case 11: {
      uint32_t atype = (uint32_t)take_u(&in, 1) % 5, v1 = (uint32_t)take_u(&in, 4),
               v2 = (uint32_t)take_u(&in, 4), v3 = (uint32_t)take_u(&in, 4),
               scope = (uint32_t)take_u(&in, 1);
      r = bs_encode_tipc(ss, atype, v1, v2, v3, scope);
      if (atype != TIPC_ADDR_NAMESEQ && atype != TIPC_ADDR_NAME && atype != TIPC_ADDR_ID) {
        CHECK(r == -EINVAL);
      } else {
        decode(ss, r);
        check_int(1, AF_TIPC);
        check_int(2, atype);
        check_int(3, v1);
        check_int(4, v2);
        check_int(5, atype == TIPC_ADDR_NAMESEQ ? v3 : atype == TIPC_ADDR_NAME ? v2 : 0);
        check_int(6, (uint8_t)scope);
      }
      break;
    }
#endif
#ifdef BS_HAVE_QIPCRTR
    case 12: {
      uint32_t node = (uint32_t)take_u(&in, 4), port = (uint32_t)take_u(&in, 4);
      decode(ss, bs_encode_qipcrtr(ss, node, port));
      check_int(1, AF_QIPCRTR);
      check_int(2, node);
      check_int(3, port);
      break;
    }
#endif
#ifdef AF_RDS
    case 13: {
      uint8_t *packed = take_bytes(&in, 4, &n);
      uint32_t port = (uint32_t)take_u(&in, 3);
      r = bs_encode_rds(ss, packed, n, port, &why);
      if (n != 4 || port > 65535) {
        CHECK(r == 0 && why != NULL);
      } else {
        decode(ss, r);
        check_int(1, AF_RDS);
        check_host(2, AF_INET, packed, 4);
        check_int(3, port);
      }
      free(packed);
      break;
    }
#endif
#ifdef BS_HAVE_BLUETOOTH
    case 14: {
      uint8_t *bd = take_bytes(&in, 6, &n);
      uint32_t psm = (uint32_t)take_u(&in, 2);
      r = bs_encode_bt_l2cap(ss, bd, n, psm, &why);
      if (n != 6) {
        CHECK(r == 0 && why != NULL);
      } else {
        decode(ss, r);
        check_int(1, AF_BLUETOOTH);
        check_bytes(3, bd, 6);
        check_int(4, psm);
      }
      free(bd);
      break;
    }
#endif
    default:
      return 0;
  }
  /* Nothing was written past the storage. */
  for (size_t k = sizeof *ss; k < sizeof block; k++) CHECK(block[k] == 0);
  return 0;
}
