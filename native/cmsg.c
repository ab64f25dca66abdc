/* cmsghdr arithmetic, building and walking; recvmmsg's result step (cmsg.h). */
#include "cmsg.h"

#include <string.h>

bool bs_cmsg_len_of(int64_t n, size_t *out) {
  if (n < 0 || (uint64_t)n > (uint64_t)(BS_SOCKLEN_LIMIT - CMSG_LEN(0))) return false;
  size_t r = CMSG_LEN((size_t)n);
  if (r > BS_SOCKLEN_LIMIT || r < (size_t)n) return false;
  *out = r;
  return true;
}

bool bs_cmsg_space_of(int64_t n, size_t *out) {
  if (n < 0 || (uint64_t)n > (uint64_t)(BS_SOCKLEN_LIMIT - CMSG_SPACE(1))) return false;
  size_t r = CMSG_SPACE((size_t)n);
  if (r > BS_SOCKLEN_LIMIT || r < (size_t)n) return false;
  *out = r;
  return true;
}

int bs_cmsg_add_space(size_t *total, size_t len) {
  size_t space;
  if (len > (size_t)INT64_MAX || !bs_cmsg_space_of((int64_t)len, &space)) return BS_CMSG_ITEM_TOO_LARGE;
  if (space > BS_SOCKLEN_LIMIT - *total) return BS_CMSG_TOTAL_TOO_LARGE;
  *total += space;
  return 0;
}

/* True when [cmsg, cmsg + space) lies inside the control buffer. */
static bool cmsg_fits(const struct msghdr *msg, const struct cmsghdr *cmsg, size_t space) {
  size_t off = (size_t)((const char *)cmsg - (const char *)msg->msg_control);
  return off <= msg->msg_controllen && space <= msg->msg_controllen - off;
}

bool bs_cmsg_put(struct msghdr *msg, struct cmsghdr **cursor, int level, int type,
                 const void *data, size_t len) {
  size_t clen;
  struct cmsghdr *c = *cursor == NULL ? CMSG_FIRSTHDR(msg) : CMSG_NXTHDR(msg, *cursor);
  /* The data may have changed size since the space was counted (a getter, a
   * resized buffer): everything is checked against what was allocated. */
  if (c == NULL || len > (size_t)INT64_MAX || !bs_cmsg_len_of((int64_t)len, &clen) ||
      !cmsg_fits(msg, c, clen))
    return false;
  c->cmsg_level = level;
  c->cmsg_type = type;
  c->cmsg_len = clen;
  if (len > 0) memcpy(CMSG_DATA(c), data, len);
  *cursor = c;
  return true;
}

int bs_cmsg_data_len(const struct msghdr *msg, const struct cmsghdr *cmsg, size_t *len) {
  size_t data_off = (size_t)((const char *)CMSG_DATA(cmsg) - (const char *)msg->msg_control);
  if (cmsg->cmsg_len < CMSG_LEN(0) || data_off > msg->msg_controllen) return -1;
  size_t room = msg->msg_controllen - data_off;
  size_t want = cmsg->cmsg_len - CMSG_LEN(0);
  if (want > room) {
    *len = room;
    return 1;
  }
  *len = want;
  return 0;
}

struct cmsghdr *bs_cmsg_first(struct msghdr *msg) {
  if (msg->msg_control == NULL || msg->msg_controllen < sizeof(struct cmsghdr)) return NULL;
  return CMSG_FIRSTHDR(msg);
}

/* Re-checks what the libc macro checks, so that a libc with a laxer
 * CMSG_NXTHDR still never hands out a header past the end. */
struct cmsghdr *bs_cmsg_next(struct msghdr *msg, struct cmsghdr *cmsg) {
  if (cmsg->cmsg_len < sizeof(struct cmsghdr)) return NULL;
  struct cmsghdr *next = CMSG_NXTHDR(msg, cmsg);
  if (next == NULL || !cmsg_fits(msg, next, sizeof(struct cmsghdr))) return NULL;
  return next;
}

#ifdef BS_HAVE_MMSG
void bs_mmsg_collect(struct mmsghdr *mm, int count, char *slab, size_t bufsize, char *addrs,
                     size_t scratch_size, int32_t *out) {
  /* Compaction: the datagrams move to the start of the slab, back to back
   * (each truncated to bufsize), so JS copies the whole batch out at once. */
  size_t dst = 0;
  for (int i = 0; i < count; i++) {
    size_t len = mm[i].msg_len < bufsize ? mm[i].msg_len : bufsize;
    if (dst != (size_t)i * bufsize) memmove(slab + dst, slab + (size_t)i * bufsize, len);
    dst += len;
  }
  for (int i = 0; i < count; i++) {
    socklen_t nl = mm[i].msg_hdr.msg_namelen;
    if (nl > sizeof(struct sockaddr_storage)) nl = sizeof(struct sockaddr_storage);
    uint32_t nl32 = (uint32_t)nl;
    memcpy(addrs + (size_t)i * scratch_size, &nl32, sizeof nl32);
    out[2 * i] = (int32_t)mm[i].msg_len;
    out[2 * i + 1] = mm[i].msg_hdr.msg_flags;
  }
}
#endif
