/* sendmsg/recvmsg with ancillary data, CMSG_* arithmetic, sendfile and the
 * Linux batches sendmmsg/recvmmsg.  Owned by the messages work (issue 5). */
#include "bs.h"

void bs_register_messages(napi_env env, napi_value exports) {
  (void)env; (void)exports;
}
