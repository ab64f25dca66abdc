/* Builders of libc's result lists (see results.h). */
#include "results.h"

#include <arpa/inet.h>
#include <string.h>

#include "sockaddr.h"

void bs_emit_nameindex(const struct if_nameindex *ni, bs_emit *out) {
  out->open(out);
  for (const struct if_nameindex *p = ni; p->if_index != 0 || p->if_name != NULL; p++) {
    out->open(out);
    out->integer(out, p->if_index);
    out->bytes(out, p->if_name, strlen(p->if_name));
    out->close(out);
  }
  out->close(out);
}

void bs_emit_addrinfo(const struct addrinfo *ai, bool decoded, bs_emit *out) {
  out->open(out);
  for (; ai != NULL; ai = ai->ai_next) {
    out->open(out);
    out->integer(out, ai->ai_family);
    out->integer(out, ai->ai_socktype);
    out->integer(out, ai->ai_protocol);
    bs_emit_cstr(out, ai->ai_canonname ? ai->ai_canonname : "");
    if (decoded)
      bs_sockaddr_decode_inet(ai->ai_addr, ai->ai_addrlen, out);
    else
      out->bytes(out, ai->ai_addr, ai->ai_addrlen);
    out->close(out);
  }
  out->close(out);
}

void bs_emit_hostent(const struct hostent *h, bs_emit *out) {
  out->open(out);
  bs_emit_cstr(out, h->h_name ? h->h_name : "");
  out->open(out);
  for (char **a = h->h_aliases; a && *a; a++) bs_emit_cstr(out, *a);
  out->close(out);
  out->open(out);
  /* inet_ntop reads the family's address size from each entry: an entry of
   * another length (h_length from an NSS module) is not read at all. */
  int size = h->h_addrtype == AF_INET ? 4 : h->h_addrtype == AF_INET6 ? 16 : -1;
  for (char **a = h->h_addr_list; a && *a && h->h_length == size; a++) {
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(h->h_addrtype, *a, text, sizeof text)) continue;
    bs_emit_cstr(out, text);
  }
  out->close(out);
  out->close(out);
}
