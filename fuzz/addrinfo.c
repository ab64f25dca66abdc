/* getaddrinfo(3)'s result list as the addon turns it into
 * [[family, type, proto, canonname, address], ...] (bs_emit_addrinfo), with
 * the address as bytes or decoded.  Input: a flags byte (bit 0: decoded),
 * then entries as (family u16, socktype u8, protocol u8, canonname length u8
 * with 0xff for none, canonname, addrlen u8, address bytes).  Each address
 * and name is on the heap at its exact size. */
#include <netdb.h>
#include <stdint.h>
#include <string.h>

#include "../native/results.h"
#include "sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  input in = {data + 1, size - 1};
  bool decoded = data[0] & 1;
  enum { MAX = 32 };
  struct addrinfo list[MAX];
  size_t count = 0;
  memset(list, 0, sizeof list);
  while (count < MAX && in.n > 0) {
    struct addrinfo *ai = &list[count];
    uint16_t family = (uint16_t)take_u(&in, 2);
    ai->ai_socktype = (int)take_u(&in, 1);
    ai->ai_protocol = (int)take_u(&in, 1);
    size_t cn = take_u(&in, 1), n;
    if (cn != 0xff) {
      uint8_t *bytes = take_bytes(&in, cn, &n);
      ai->ai_canonname = malloc(n + 1);
      CHECK(ai->ai_canonname != NULL);
      memcpy(ai->ai_canonname, bytes, n);
      ai->ai_canonname[n] = '\0';
      free(bytes);
    }
    size_t want = take_u(&in, 1) % (sizeof(struct sockaddr_storage) + 1);
    uint8_t *addr = take_bytes(&in, want, &n);
    /* The family field of the address agrees with ai_family, as libc's. */
    if (n >= sizeof(sa_family_t)) memcpy(addr, &family, sizeof family);
    ai->ai_family = family;
    ai->ai_addr = (struct sockaddr *)addr;
    ai->ai_addrlen = (socklen_t)n;
    if (count > 0) list[count - 1].ai_next = ai;
    count++;
  }
  static sink s;
  sink_init(&s);
  bs_emit_addrinfo(count > 0 ? list : NULL, decoded, &s.base);
  sink_check_one_value(&s);
  for (size_t k = 0; k < count; k++) {
    free(list[k].ai_canonname);
    free(list[k].ai_addr);
  }
  return 0;
}
