/* recvmmsg's result step (bs_mmsg_collect): the datagram lengths, address
 * lengths and flags the kernel reports, any values, for a batch of vlen
 * buffers of bufsize bytes.  The compacted slab must hold each datagram cut
 * to bufsize, back to back, and no write may leave the slab, the address
 * scratches or the result pairs.  Input: vlen (1-16), bufsize (0-39), count, then per
 * message (msg_len u32, msg_namelen u32, msg_flags u32). */
#include <stdint.h>
#include <string.h>

#include "../native/cmsg.h"
#include "sink.h"

#define SCRATCH (8 + sizeof(struct sockaddr_storage))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  input in = {data, size};
  size_t vlen = 1 + take_u(&in, 1) % 16;
  size_t bufsize = take_u(&in, 1) % 40;
  int count = 1 + (int)(take_u(&in, 1) % vlen);
  struct mmsghdr *mm = calloc(vlen, sizeof *mm);
  char *slab = malloc(vlen * bufsize > 0 ? vlen * bufsize : 1);
  char *before = malloc(vlen * bufsize > 0 ? vlen * bufsize : 1);
  char *addrs = malloc(vlen * SCRATCH);
  int32_t *out = malloc(vlen * 2 * sizeof(int32_t));
  CHECK(mm && slab && before && addrs && out);
  for (size_t k = 0; k < vlen * bufsize; k++) slab[k] = (char)(k * 31 + 7);
  memcpy(before, slab, vlen * bufsize);
  for (int i = 0; i < count; i++) {
    mm[i].msg_len = (unsigned int)take_u(&in, 4);
    mm[i].msg_hdr.msg_namelen = (socklen_t)take_u(&in, 4);
    mm[i].msg_hdr.msg_flags = (int)take_u(&in, 4);
  }
  bs_mmsg_collect(mm, count, slab, bufsize, addrs, SCRATCH, out);
  size_t dst = 0;
  for (int i = 0; i < count; i++) {
    size_t len = mm[i].msg_len < bufsize ? mm[i].msg_len : bufsize;
    CHECK(memcmp(slab + dst, before + (size_t)i * bufsize, len) == 0);
    dst += len;
    uint32_t nl;
    memcpy(&nl, addrs + (size_t)i * SCRATCH, sizeof nl);
    CHECK(nl <= sizeof(struct sockaddr_storage));
    CHECK(nl == (mm[i].msg_hdr.msg_namelen < sizeof(struct sockaddr_storage)
                     ? mm[i].msg_hdr.msg_namelen
                     : sizeof(struct sockaddr_storage)));
    CHECK(out[2 * i] == (int32_t)mm[i].msg_len && out[2 * i + 1] == mm[i].msg_hdr.msg_flags);
  }
  free(mm);
  free(slab);
  free(before);
  free(addrs);
  free(out);
  return 0;
}
