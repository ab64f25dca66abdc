/* Ancillary data: the walk over a received control buffer (bs_cmsg_first,
 * bs_cmsg_next, bs_cmsg_data_len, as recvmsg's result building and the
 * descriptor clean-up run it) on any bytes, and the builder (bs_cmsg_add_space,
 * bs_cmsg_put, as sendmsg runs it) whose output must walk back to the items.
 * Input: a mode byte; mode 0 the control bytes; mode 1 items as (level u8,
 * type u8, length u8, data). */
#include <stdint.h>
#include <string.h>

#include "../native/cmsg.h"
#include "sink.h"

typedef struct {
  int level, type;
  size_t len;
  const uint8_t *data;
} item;

/* Walks msg as recvmsg does; returns the number of items, each data byte read. */
static size_t walk(struct msghdr *msg, item *seen, size_t max) {
  size_t k = 0;
  for (struct cmsghdr *c = bs_cmsg_first(msg); c != NULL; c = bs_cmsg_next(msg, c)) {
    size_t len;
    int st = bs_cmsg_data_len(msg, c, &len);
    if (st < 0) break;
    const unsigned char *p = CMSG_DATA(c);
    CHECK(p >= (unsigned char *)msg->msg_control);
    CHECK((size_t)(p - (unsigned char *)msg->msg_control) + len <= msg->msg_controllen);
    volatile unsigned char sum = 0;
    for (size_t b = 0; b < len; b++) sum ^= p[b];
    (void)sum;
    if (k < max) seen[k] = (item){c->cmsg_level, c->cmsg_type, len, p};
    k++;
    CHECK(k <= msg->msg_controllen / sizeof(struct cmsghdr));
  }
  return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  input in = {data + 1, size - 1};
  if (data[0] % 2 == 0) {
    size_t n;
    uint8_t *control = take_bytes(&in, in.n, &n);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_control = control;
    msg.msg_controllen = n;
    item seen[1];
    walk(&msg, seen, 0);
    free(control);
    return 0;
  }
  enum { MAX_ITEMS = 32 };
  item items[MAX_ITEMS];
  size_t count = 0, total = 0;
  while (count < MAX_ITEMS && in.n > 0) {
    item *it = &items[count];
    it->level = (int)take_u(&in, 1);
    it->type = (int)take_u(&in, 1);
    size_t want = take_u(&in, 1);
    it->len = want < in.n ? want : in.n;
    it->data = in.p;
    in.p += it->len;
    in.n -= it->len;
    CHECK(bs_cmsg_add_space(&total, it->len) == 0);
    count++;
  }
  unsigned char *buf = calloc(1, total > 0 ? total : 1);
  CHECK(buf != NULL);
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_control = total > 0 ? buf : NULL;
  msg.msg_controllen = total;
  struct cmsghdr *cursor = NULL;
  for (size_t k = 0; k < count; k++)
    CHECK(bs_cmsg_put(&msg, &cursor, items[k].level, items[k].type, items[k].data, items[k].len));
  /* The space was counted exactly: one more byte of data does not fit. */
  if (count > 0) {
    static const uint8_t extra[CMSG_ALIGN(1)] = {0};
    CHECK(!bs_cmsg_put(&msg, &cursor, 0, 0, extra, 1));
  }
  item seen[MAX_ITEMS];
  size_t got = walk(&msg, seen, MAX_ITEMS);
  CHECK(got == count);
  for (size_t k = 0; k < count; k++) {
    CHECK(seen[k].level == items[k].level && seen[k].type == items[k].type);
    CHECK(seen[k].len == items[k].len);
    CHECK(items[k].len == 0 || memcmp(seen[k].data, items[k].data, items[k].len) == 0);
  }
  free(buf);
  return 0;
}
