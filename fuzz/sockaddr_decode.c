/* bs_sockaddr_decode and bs_sockaddr_decode_inet over any bytes: the
 * addresses the kernel hands back (accept, recvfrom, getsockname, recvmsg,
 * recvmmsg, getaddrinfo).  The input is the sockaddr itself; its length is
 * the input's (at most sizeof(sockaddr_storage), as the addon clips it). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../native/sockaddr.h"
#include "sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t len = size < sizeof(struct sockaddr_storage) ? size : sizeof(struct sockaddr_storage);
  /* Exactly len bytes on the heap (malloc aligns as sockaddr_storage needs):
   * any read past the address is a heap overflow. */
  struct sockaddr *sa = malloc(len > 0 ? len : 1);
  CHECK(sa != NULL);
  if (len > 0) memcpy(sa, data, len);
  static sink s;
  sink_init(&s);
  bs_sockaddr_decode(sa, (socklen_t)len, &s.base);
  sink_check_one_value(&s);
  if (len == 0 || len < offsetof(struct sockaddr, sa_data)) {
    CHECK(s.count == 1 && s.evs[0].kind == EV_NULL);
  } else {
    /* [family, ...]: the family comes first, as the kernel wrote it. */
    CHECK(s.evs[0].kind == EV_OPEN && s.evs[1].kind == EV_INT);
    CHECK(s.evs[1].i == sa->sa_family);
  }
  sink_init(&s);
  bs_sockaddr_decode_inet(sa, (socklen_t)len, &s.base);
  sink_check_one_value(&s);
  free(sa);
  return 0;
}
