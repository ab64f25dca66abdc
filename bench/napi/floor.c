/*
 * The Node-API floor for the blocking ping-pong (bench only, never shipped).
 *
 * What is the least a Node process can pay per blocking call through Node-API?
 * These functions take no arguments and return nothing: the descriptor is set
 * once, the byte lives in a static, and a failure is only counted (read at the
 * end with failures()).  No argument is fetched, no buffer looked up, no result
 * created: what is left is V8's call into C and the system call itself.  The
 * ping-pong driver's `floor` variant runs the same loop as the library's rows
 * through these, so the table shows how far any Node-API binding can get.
 *
 * Built by the bench runner (cc -shared) against the headers node-gyp used.
 */
#include <node_api.h>
#include <sys/socket.h>

static int floor_fd = -1;
static char floor_byte = 'x';
static double floor_failures;
static int floor_eof;

static napi_value set_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  if (napi_get_cb_info(env, info, &argc, &arg, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, arg, &floor_fd) != napi_ok)
    napi_throw_type_error(env, NULL, "setFd(fd): an integer is required");
  return NULL;
}

static napi_value send1(napi_env env, napi_callback_info info) {
  (void)env, (void)info;
  if (send(floor_fd, &floor_byte, 1, 0) != 1) floor_failures++;
  return NULL;
}

static napi_value recv1(napi_env env, napi_callback_info info) {
  (void)env, (void)info;
  ssize_t n = recv(floor_fd, &floor_byte, 1, 0);
  if (n == 0) floor_eof = 1;
  else if (n != 1) floor_failures++;
  return NULL;
}

static napi_value eof(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_get_boolean(env, floor_eof != 0, &r);
  return r;
}

static napi_value failures(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_double(env, floor_failures, &r);
  return r;
}

static void export_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  if (napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) == napi_ok)
    napi_set_named_property(env, exports, name, fn);
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  export_fn(env, exports, "setFd", set_fd);
  export_fn(env, exports, "send1", send1);
  export_fn(env, exports, "recv1", recv1);
  export_fn(env, exports, "eof", eof);
  export_fn(env, exports, "failures", failures);
  return exports;
}
