/* A bs_emit sink for the harnesses: records every event (copying text and
 * bytes, so a read past a parser's buffer shows up under AddressSanitizer),
 * checks that lists nest and close, and lets a harness compare what was
 * emitted with what it expected. */
#ifndef FUZZ_SINK_H
#define FUZZ_SINK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../native/emit.h"

enum ev_kind { EV_OPEN, EV_CLOSE, EV_INT, EV_BIGINT, EV_TEXT, EV_BYTES, EV_NULL, EV_IFNAME };

typedef struct {
  int kind;
  int64_t i;
  uint64_t u;
  size_t n;
  unsigned char data[256]; /* the first bytes of text/bytes */
} ev;

#define SINK_MAX 2048
typedef struct {
  bs_emit base;
  ev evs[SINK_MAX];
  size_t count;
  int depth;
} sink;

#define CHECK(cond)                                                           \
  do {                                                                        \
    if (!(cond)) {                                                            \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                \
    }                                                                         \
  } while (0)

static inline ev *sink_push(sink *s, int kind) {
  CHECK(s->count < SINK_MAX);
  ev *e = &s->evs[s->count++];
  memset(e, 0, offsetof(ev, data));
  e->kind = kind;
  return e;
}

static inline void sink_open(bs_emit *b) {
  sink *s = (sink *)b;
  sink_push(s, EV_OPEN);
  s->depth++;
}
static inline void sink_close(bs_emit *b) {
  sink *s = (sink *)b;
  CHECK(s->depth > 0);
  s->depth--;
  sink_push(s, EV_CLOSE);
}
static inline void sink_int(bs_emit *b, int64_t v) { sink_push((sink *)b, EV_INT)->i = v; }
static inline void sink_bigint(bs_emit *b, uint64_t v) { sink_push((sink *)b, EV_BIGINT)->u = v; }
static inline void sink_copy(sink *s, int kind, const void *p, size_t n) {
  ev *e = sink_push(s, kind);
  e->n = n;
  /* Every byte is read (the sanitizers see a read past the parser's buffer);
   * the first ones are kept for comparisons. */
  volatile unsigned char sum = 0;
  for (size_t k = 0; k < n; k++) sum ^= ((const unsigned char *)p)[k];
  (void)sum;
  if (n > 0) memcpy(e->data, p, n < sizeof e->data ? n : sizeof e->data);
}
static inline void sink_text(bs_emit *b, const char *p, size_t n) { sink_copy((sink *)b, EV_TEXT, p, n); }
static inline void sink_bytes(bs_emit *b, const void *p, size_t n) { sink_copy((sink *)b, EV_BYTES, p, n); }
static inline void sink_null(bs_emit *b) { sink_push((sink *)b, EV_NULL); }
static inline void sink_ifname(bs_emit *b, int index) { sink_push((sink *)b, EV_IFNAME)->i = index; }

static inline void sink_init(sink *s) {
  s->base = (bs_emit){sink_open, sink_close, sink_int, sink_bigint, sink_text, sink_bytes, sink_null, sink_ifname};
  s->count = 0;
  s->depth = 0;
}

/* The parser left no list open and emitted exactly one value. */
static inline void sink_check_one_value(const sink *s) {
  CHECK(s->depth == 0);
  CHECK(s->count > 0);
  int depth = 0;
  size_t roots = 0;
  for (size_t k = 0; k < s->count; k++) {
    if (depth == 0) roots++;
    if (s->evs[k].kind == EV_OPEN) depth++;
    if (s->evs[k].kind == EV_CLOSE) depth--;
    CHECK(depth >= 0);
  }
  CHECK(roots == 1);
}

/* Input reader: takes little-endian integers and byte runs off the front. */
typedef struct {
  const uint8_t *p;
  size_t n;
} input;

static inline uint64_t take_u(input *in, int bytes) {
  uint64_t v = 0;
  for (int k = 0; k < bytes; k++) {
    uint8_t b = 0;
    if (in->n > 0) {
      b = *in->p++;
      in->n--;
    }
    v |= (uint64_t)b << (8 * k);
  }
  return v;
}

/* Up to max bytes (fewer when the input runs out), copied to the heap at
 * exactly their length so that reads past them are caught; never NULL. */
static inline uint8_t *take_bytes(input *in, size_t want, size_t *got) {
  size_t n = want < in->n ? want : in->n;
  uint8_t *p = malloc(n > 0 ? n : 1);
  CHECK(p != NULL);
  if (n > 0) memcpy(p, in->p, n);
  in->p += n;
  in->n -= n;
  *got = n;
  return p;
}

#endif
