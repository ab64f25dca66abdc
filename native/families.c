/* Address codecs of the other families (netlink, packet, CAN, VSOCK, ALG,
 * TIPC, RDS, QIPCRTR, Bluetooth), each guarded by its header macros.
 * Owned by the address-families work (issue 6). */
#include "bs.h"

bool bs_family_decode(napi_env env, const struct sockaddr *sa, socklen_t len,
                      napi_value *out) {
  (void)env; (void)sa; (void)len; (void)out;
  return false;
}

void bs_register_families(napi_env env, napi_value exports) {
  (void)env; (void)exports;
}
