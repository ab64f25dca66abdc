/* Readiness for the Promise twins: one uv_poll_t per socket on the
 * environment's own loop.  Owned by the async work (issue 3). */
#include "bs.h"

void bs_register_reactor(napi_env env, napi_value exports) {
  (void)env; (void)exports;
}
