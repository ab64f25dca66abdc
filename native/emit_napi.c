/* The addon's bs_emit sink: builds JS values from a parser's events (lists
 * become arrays).  Values live in the calling function's handle scope. */
#include "bs.h"

#include <net/if.h>
#include <string.h>

static bs_napi_emit *sink_of(bs_emit *e) { return (bs_napi_emit *)e; }

static void put(bs_napi_emit *s, napi_value v) {
  if (v == NULL) s->failed = true;
  if (s->failed) return;
  if (s->depth == 0) {
    s->result = v;
    return;
  }
  int top = s->depth - 1;
  if (napi_set_element(s->env, s->stack[top], s->count[top]++, v) != napi_ok) s->failed = true;
}

static void on_open(bs_emit *e) {
  bs_napi_emit *s = sink_of(e);
  if (s->failed) return;
  if (s->depth == BS_EMIT_DEPTH) {
    s->failed = true;
    return;
  }
  napi_value a;
  if (napi_create_array(s->env, &a) != napi_ok) {
    s->failed = true;
    return;
  }
  s->stack[s->depth] = a;
  s->count[s->depth] = 0;
  s->depth++;
}

static void on_close(bs_emit *e) {
  bs_napi_emit *s = sink_of(e);
  if (s->failed || s->depth == 0) return;
  s->depth--;
  put(s, s->stack[s->depth]);
}

static void on_integer(bs_emit *e, int64_t v) { put(sink_of(e), bs_int(sink_of(e)->env, v)); }

static void on_bigint(bs_emit *e, uint64_t v) {
  napi_value out = NULL;
  napi_create_bigint_uint64(sink_of(e)->env, v, &out);
  put(sink_of(e), out);
}

static void on_text(bs_emit *e, const char *p, size_t n) {
  napi_value out = NULL;
  napi_create_string_utf8(sink_of(e)->env, p, n, &out);
  put(sink_of(e), out);
}

static void on_bytes(bs_emit *e, const void *p, size_t n) {
  put(sink_of(e), bs_buffer_copy(sink_of(e)->env, p, n));
}

static void on_null(bs_emit *e) { put(sink_of(e), bs_null(sink_of(e)->env)); }

/* CPython's makesockaddr does the same with SIOCGIFNAME. */
static void on_ifname(bs_emit *e, int index) {
  char buf[IF_NAMESIZE];
  if (index <= 0 || if_indextoname((unsigned)index, buf) == NULL) buf[0] = '\0';
  on_text(e, buf, strlen(buf));
}

void bs_napi_emit_init(bs_napi_emit *s, napi_env env) {
  memset(s, 0, sizeof *s);
  s->base = (bs_emit){on_open, on_close, on_integer, on_bigint, on_text, on_bytes, on_null, on_ifname};
  s->env = env;
}

napi_value bs_napi_emit_result(bs_napi_emit *s) {
  if (s->failed || s->depth != 0) return NULL;
  return s->result;
}
