/* Ancillary data (cmsghdr) arithmetic, building and walking, and the result
 * step of recvmmsg: plain C (no Node-API), called by messages.c and by the
 * fuzz harnesses.  Every walk is bounded by msg_controllen, whatever the
 * headers inside claim. */
#ifndef BS_CMSG_H
#define BS_CMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Python's SOCKLEN_T_LIMIT: the largest control length handed to the kernel. */
#define BS_SOCKLEN_LIMIT 0x7fffffff

/* CMSG_LEN(n) / CMSG_SPACE(n), false when out of range (CPython's
 * get_CMSG_LEN / get_CMSG_SPACE). */
bool bs_cmsg_len_of(int64_t n, size_t *out);
bool bs_cmsg_space_of(int64_t n, size_t *out);

/* Adds the space of an item with len data bytes to *total: 0, or
 * BS_CMSG_ITEM_TOO_LARGE / BS_CMSG_TOTAL_TOO_LARGE (nothing added). */
enum { BS_CMSG_ITEM_TOO_LARGE = 1, BS_CMSG_TOTAL_TOO_LARGE = 2 };
int bs_cmsg_add_space(size_t *total, size_t len);
/* Writes one item after *cursor (NULL: the first) into msg's zeroed control
 * buffer and moves *cursor to it; false when it does not fit. */
bool bs_cmsg_put(struct msghdr *msg, struct cmsghdr **cursor, int level, int type,
                 const void *data, size_t len);

/* The walk of a received control buffer: the first header, or NULL when
 * even one header does not fit; the next, or NULL at the end. */
struct cmsghdr *bs_cmsg_first(struct msghdr *msg);
struct cmsghdr *bs_cmsg_next(struct msghdr *msg, struct cmsghdr *cmsg);
/* The data length of one item, clipped to the buffer: 0 when whole, 1 when
 * its data runs past the end (clipped), -1 when the header is invalid. */
int bs_cmsg_data_len(const struct msghdr *msg, const struct cmsghdr *cmsg, size_t *len);

#if defined(MSG_WAITFORONE) && (defined(__linux__) || defined(__FreeBSD__))
#define BS_HAVE_MMSG 1
/* After recvmmsg returned count > 0 for messages received at slab + i *
 * bufsize: moves the datagrams to the start of the slab, back to back (each
 * cut to bufsize), writes each address length (clipped to the storage) into
 * its scratch in addrs (BS_SCRATCH_SIZE apart), and each length and
 * msg_flags into out[2i], out[2i + 1]. */
void bs_mmsg_collect(struct mmsghdr *mm, int count, char *slab, size_t bufsize, char *addrs,
                     size_t scratch_size, int32_t *out);
#endif

#endif
