/* The text forms of addresses: bs_inet_pton_text, bs_inet_aton_text and
 * bs_inet_ntop_text (inet_pton, inet_aton, inet_ntop, inet_ntoa and the
 * address parsing of every IPv4/IPv6 encoder go through them).
 * Input: a family selector byte, then the text (any bytes, NULs included).
 * Properties: what parses prints back to a text that parses to the same
 * bytes; the packed input bytes print and parse back to themselves. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../native/sockaddr.h"
#include "sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  int selector = data[0] % 3;
  int family = selector == 0 ? AF_INET : selector == 1 ? AF_INET6 : (int)(data[0] >> 2);
  size_t n;
  input in = {data + 1, size - 1};
  char *text = (char *)take_bytes(&in, in.n, &n);

  unsigned char packed[16], again[16];
  int r = bs_inet_pton_text(family, text, n, packed);
  if (memchr(text, '\0', n) != NULL) CHECK(r == -1);
  else if (family != AF_INET && family != AF_INET6) CHECK(r == -EAFNOSUPPORT);
  else CHECK(r == 0 || r == (family == AF_INET ? 4 : 16));
  if (r > 0) {
    char printed[INET6_ADDRSTRLEN];
    const char *why = NULL;
    int t = bs_inet_ntop_text(family, packed, (size_t)r, printed, sizeof printed, &why);
    CHECK(t > 0 && (size_t)t < sizeof printed);
    CHECK(bs_inet_pton_text(family, printed, (size_t)t, again) == r);
    CHECK(memcmp(packed, again, (size_t)r) == 0);
  }

  unsigned char four[4];
  int a = bs_inet_aton_text(text, n, four);
  CHECK(a == 0 || a == 1);
  if (a == 1) {
    char printed[INET_ADDRSTRLEN];
    const char *why = NULL;
    int t = bs_inet_ntop_text(AF_INET, four, 4, printed, sizeof printed, &why);
    CHECK(t > 0);
    /* inet_ntoa's dotted quad is a strict inet_pton literal. */
    CHECK(bs_inet_pton_text(AF_INET, printed, (size_t)t, again) == 4);
    CHECK(memcmp(four, again, 4) == 0);
  }

  /* The raw input bytes as a packed address of the family's length. */
  if (family == AF_INET || family == AF_INET6) {
    size_t want = family == AF_INET ? 4 : 16;
    char printed[INET6_ADDRSTRLEN];
    const char *why = NULL;
    int t = bs_inet_ntop_text(family, text, n, printed, sizeof printed, &why);
    if (n != want) {
      CHECK(t == 0 && why != NULL);
    } else {
      CHECK(t > 0);
      CHECK(bs_inet_pton_text(family, printed, (size_t)t, again) == (int)want);
      CHECK(memcmp(text, again, want) == 0);
    }
  }
  free(text);
  return 0;
}
