/* gethostby*_r(3)'s hostent as the addon turns it into [name, aliases,
 * addresses] (bs_emit_hostent).  Input: h_addrtype u16, h_length u8, the
 * name (length u8, bytes), then entries (kind u8: even an alias, odd an
 * address; an alias's length u8 and bytes; an address's h_length bytes).
 * Everything sits on the heap at its exact size, lists NULL-terminated. */
#include <netdb.h>
#include <stdint.h>
#include <string.h>

#include "../native/results.h"
#include "sink.h"

static char *take_cstr(input *in) {
  size_t n;
  uint8_t *bytes = take_bytes(in, take_u(in, 1), &n);
  char *s = malloc(n + 1);
  CHECK(s != NULL);
  memcpy(s, bytes, n);
  s[n] = '\0';
  free(bytes);
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  input in = {data, size};
  struct hostent h;
  memset(&h, 0, sizeof h);
  h.h_addrtype = (int)take_u(&in, 2);
  h.h_length = (int)take_u(&in, 1);
  h.h_name = take_cstr(&in);
  enum { MAX = 32 };
  char *aliases[MAX + 1], *addrs[MAX + 1];
  size_t na = 0, nd = 0;
  while (in.n > 0 && na < MAX && nd < MAX) {
    if (take_u(&in, 1) % 2 == 0) {
      aliases[na++] = take_cstr(&in);
    } else {
      size_t n;
      uint8_t *bytes = take_bytes(&in, (size_t)h.h_length, &n);
      /* libc's addresses are h_length bytes each; a short tail is padded. */
      char *a = malloc(h.h_length > 0 ? (size_t)h.h_length : 1);
      CHECK(a != NULL);
      memset(a, 0, h.h_length > 0 ? (size_t)h.h_length : 1);
      if (n > 0) memcpy(a, bytes, n);
      free(bytes);
      addrs[nd++] = a;
    }
  }
  aliases[na] = NULL;
  addrs[nd] = NULL;
  h.h_aliases = aliases;
  h.h_addr_list = addrs;
  static sink s;
  sink_init(&s);
  bs_emit_hostent(&h, &s.base);
  sink_check_one_value(&s);
  free(h.h_name);
  for (size_t k = 0; k < na; k++) free(aliases[k]);
  for (size_t k = 0; k < nd; k++) free(addrs[k]);
  return 0;
}
