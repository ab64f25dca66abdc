/* A sink for parsed results.  The parsers of this directory (sockaddr.c,
 * cmsg.c, results.c) emit what they read into a bs_emit; the addon's sink
 * (emit_napi.c) turns the events into JS values, and a fuzz harness's sink
 * checks them.  Plain C: no Node-API type appears here, so a parser can be
 * built and fuzzed without Node. */
#ifndef BS_EMIT_H
#define BS_EMIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct bs_emit bs_emit;
struct bs_emit {
  void (*open)(bs_emit *e);                              /* starts a list */
  void (*close)(bs_emit *e);                             /* ends the innermost list */
  void (*integer)(bs_emit *e, int64_t v);
  void (*bigint)(bs_emit *e, uint64_t v);                /* a JS bigint */
  void (*text)(bs_emit *e, const char *s, size_t n);     /* UTF-8 text, n bytes */
  void (*bytes)(bs_emit *e, const void *p, size_t n);    /* a copy of n bytes */
  void (*null)(bs_emit *e);
  /* An interface's name by index, "" when it has none: a system call, so the
   * sink does it (a harness need not). */
  void (*ifname)(bs_emit *e, int index);
};

static inline void bs_emit_cstr(bs_emit *e, const char *s) {
  size_t n = 0;
  while (s[n] != '\0') n++;
  e->text(e, s, n);
}

#endif
