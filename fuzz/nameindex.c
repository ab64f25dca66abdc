/* if_nameindex(3)'s list as the addon turns it into [[index, name], ...]
 * (bs_emit_nameindex).  Input: entries as (index u32, name length u8, name
 * bytes), each name NUL-terminated on the heap at its exact size, then the
 * terminating entry { 0, NULL } as libc ends the list. */
#include <net/if.h>
#include <stdint.h>
#include <string.h>

#include "../native/results.h"
#include "sink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  input in = {data, size};
  enum { MAX = 64 };
  struct if_nameindex list[MAX + 1];
  size_t count = 0;
  while (count < MAX && in.n > 0) {
    list[count].if_index = (unsigned)take_u(&in, 4);
    size_t n;
    uint8_t *bytes = take_bytes(&in, take_u(&in, 1), &n);
    char *name = malloc(n + 1);
    CHECK(name != NULL);
    memcpy(name, bytes, n);
    name[n] = '\0';
    free(bytes);
    list[count].if_name = name;
    count++;
  }
  list[count].if_index = 0;
  list[count].if_name = NULL;
  static sink s;
  sink_init(&s);
  bs_emit_nameindex(list, &s.base);
  sink_check_one_value(&s);
  for (size_t k = 0; k < count; k++) free(list[k].if_name);
  return 0;
}
