// Batched UDP for port53d: recvmmsg/sendmmsg on a uv_poll_t, as NSD and Knot do, instead of
// node:dgram's one receive callback and one sendmsg (with its SendWrap) per datagram.
// src/transport/udp-batch.ts falls back to node:dgram when this is not built.
//
// Datagrams and replies live in slots of two ArrayBuffers that JS allocates once and passes to
// start(); an Int32Array of META words per slot carries the query's length, the client's family,
// port and address octets, and the reply's length back. JS is called once per chunk of up to
// `chunk` datagrams and writes each reply straight into its send slot; the chunk's replies are
// sent (one sendmmsg) before the next chunk is answered, so the first query of a batch of 64 does
// not wait for the other 63.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define BATCH 64
#define SLOT 65536 // any UDP datagram fits: nothing is ever truncated
// Per-slot metadata, in int32 words: set by the addon (length, family, port, address), and the
// reply's length set by JS (0: no reply; negative: the handler failed on this datagram).
#define META 8
#define M_LENGTH 0
#define M_FAMILY 1
#define M_PORT 2
#define M_REPLY 3
#define M_ADDRESS 4 // 16 octets: the IPv4 address in the first 4, or the IPv6 address

typedef struct {
  napi_env env;
  int fd;
  int family;
  int started;
  int closing;
  int closed;
  uv_poll_t poll;
  uv_timer_t retry;   // restarts the poll after a pause
  int pausing;        // the poll is stopped until retry fires
  int held;           // stopped by hold() until JS releases it (another thread reads the shared socket)
  napi_ref self;      // keeps the handle alive while the poll is registered
  napi_ref callback;  // (first, count) => void: answers slots first..first+count-1
  napi_ref resource;  // async resource of the per-batch callback scope
  napi_async_context context;
  napi_ref on_closed;
  napi_ref on_error;  // (message) => void: the poll stopped for good
  int stopped;        // the poll was stopped after a persistent error
  int failures;       // consecutive failed receives
  int injected;       // tests only (injectReceiveError): recvmmsg's errno while non-zero
  int teardown;       // the thread is ending: no JS may run any more
  napi_async_cleanup_hook_handle cleanup; // closes the handles if the thread ends first
  unsigned char *in;  // BATCH slots of SLOT octets, in JS's ArrayBuffers (kept alive by the refs)
  unsigned char *out;
  int32_t *meta;      // BATCH * META words
  napi_ref in_ref, out_ref, meta_ref;
  int chunk;          // datagrams per JS call and sendmmsg
  struct mmsghdr rmsg[BATCH], smsg[BATCH];
  struct iovec riov[BATCH], siov[BATCH];
  struct sockaddr_storage peer[BATCH];
  double received, sent, send_dropped, callback_errors, recv_errors;
} udp_batch;

// Level-triggered readiness on a socket whose receives keep failing would spin the loop for ever.
// An error that cannot pass stops the poll for good; a run of MAX_FAILURES transient ones (ENOBUFS,
// queued ICMP errors) pauses it for PAUSE_MS.
#define MAX_FAILURES 64
#define PAUSE_MS 100

static void stop_polling(udp_batch *b, const char *syscall, int err, int transient);
static void on_teardown(napi_async_cleanup_hook_handle hook, void *arg);

#define CHECK(call)                                   \
  do {                                                \
    if ((call) != napi_ok) return throw_internal(env, #call); \
  } while (0)

static napi_value throw_internal(napi_env env, const char *what) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "EINTERNAL", what);
  return NULL;
}

/** An Error whose `code` is the errno's name (EADDRINUSE, EACCES, ...), as node:dgram's are. */
static napi_value throw_errno(napi_env env, const char *syscall, int err) {
  const char *code = uv_err_name(uv_translate_sys_error(err));
  char text[160];
  snprintf(text, sizeof text, "%s %s", syscall, code);
  napi_value msg, code_value, error, syscall_value, errno_value;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value);
  napi_create_error(env, code_value, msg, &error);
  napi_set_named_property(env, error, "code", code_value);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_value);
  napi_set_named_property(env, error, "syscall", syscall_value);
  napi_create_int32(env, uv_translate_sys_error(err), &errno_value);
  napi_set_named_property(env, error, "errno", errno_value);
  napi_throw(env, error);
  return NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  udp_batch *b = data;
  // Still registered with the loop (the environment is being torn down at exit): leak rather than free under it.
  if (b->started && !b->closed) return;
  if (b->fd >= 0) close(b->fd); // opened but never started nor closed
  free(b);
}

static udp_batch *unwrap(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return data;
}

/**
 * open(address, port, family: 4 | 6) => { handle, address, port } (the address as bound,
 * canonical). port53d --workers: the other threads share() this socket rather than bind their own.
 */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char address[INET6_ADDRSTRLEN + 1];
  size_t len = 0;
  int32_t port = 0, family = 4;
  CHECK(napi_get_value_string_utf8(env, argv[0], address, sizeof address, &len));
  CHECK(napi_get_value_int32(env, argv[1], &port));
  CHECK(napi_get_value_int32(env, argv[2], &family));

  struct sockaddr_storage ss;
  socklen_t sslen;
  memset(&ss, 0, sizeof ss);
  if (family == 6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, address, &a->sin6_addr) != 1) return throw_errno(env, "bind", EINVAL);
    sslen = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, address, &a->sin_addr) != 1) return throw_errno(env, "bind", EINVAL);
    sslen = sizeof *a;
  }
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  int one = 1;
  // '::' must not also take the IPv4 port, which 0.0.0.0 may want to bind (as listenUdp).
  if (family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "setsockopt", err);
  }
  if (bind(fd, (struct sockaddr *)&ss, sslen) != 0 || getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", err);
  }
  int bound = ntohs(family == 6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
  char bound_address[INET6_ADDRSTRLEN];
  if (family == 6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, bound_address, sizeof bound_address);
  else inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, bound_address, sizeof bound_address);

  udp_batch *b = calloc(1, sizeof *b);
  if (!b) {
    close(fd);
    return throw_errno(env, "malloc", ENOMEM);
  }
  b->env = env;
  b->fd = fd;
  b->family = family;

  napi_value handle, result, port_value, address_value;
  if (napi_create_external(env, b, finalize, NULL, &handle) != napi_ok) {
    finalize(env, b, NULL);
    return throw_internal(env, "napi_create_external");
  }
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_int32(env, bound, &port_value));
  CHECK(napi_set_named_property(env, result, "handle", handle));
  CHECK(napi_set_named_property(env, result, "port", port_value));
  CHECK(napi_create_string_latin1(env, bound_address, NAPI_AUTO_LENGTH, &address_value));
  CHECK(napi_set_named_property(env, result, "address", address_value));
  return result;
}

/** Sends the replies JS wrote for slots first..end-1 with sendmmsg. */
static void send_replies(udp_batch *b, int first, int end) {
  int replies = 0;
  for (int i = first; i < end; i++) {
    int32_t length = b->meta[i * META + M_REPLY];
    if (length == 0) continue; // no reply
    if (length < 0 || length > SLOT) {
      b->callback_errors++; // the handler failed, or said something unsendable
      continue;
    }
    struct msghdr *h = &b->smsg[replies].msg_hdr;
    memset(h, 0, sizeof *h);
    b->siov[i].iov_len = (size_t)length;
    h->msg_iov = &b->siov[i];
    h->msg_iovlen = 1;
    h->msg_name = &b->peer[i];
    h->msg_namelen = b->rmsg[i].msg_hdr.msg_namelen;
    replies++;
  }
  // A reply the kernel will not take now (EAGAIN, a full socket buffer) is dropped and counted:
  // UDP gives no delivery promise, and the client retries.
  for (int sent_from = 0; sent_from < replies && !b->closing;) {
    int sent = sendmmsg(b->fd, b->smsg + sent_from, (unsigned)(replies - sent_from), MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      b->send_dropped++;
      sent_from++;
    } else {
      b->sent += sent;
      sent_from += sent;
    }
  }
}

/** One batch: recvmmsg, then per chunk one JS call that answers into the send slots and one sendmmsg. */
static int serve_batch(udp_batch *b) {
  napi_env env = b->env;
  for (int i = 0; i < BATCH; i++) {
    memset(&b->rmsg[i].msg_hdr, 0, sizeof b->rmsg[i].msg_hdr);
    b->rmsg[i].msg_hdr.msg_name = &b->peer[i];
    b->rmsg[i].msg_hdr.msg_namelen = sizeof b->peer[i];
    b->rmsg[i].msg_hdr.msg_iov = &b->riov[i];
    b->rmsg[i].msg_hdr.msg_iovlen = 1;
  }
  int n = b->injected ? (errno = b->injected, -1) : recvmmsg(b->fd, b->rmsg, BATCH, MSG_DONTWAIT, NULL);
  if (n <= 0) {
    if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    int err = errno;
    b->recv_errors++;
    // An ICMP error queued on the socket (ECONNREFUSED and kin) or a memory shortage passes;
    // a socket that is no longer one (EBADF, ENOTSOCK, EFAULT, EINVAL) never recovers.
    int transient = err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH || err == ENOBUFS || err == ENOMEM || err == EMSGSIZE;
    if (!transient) stop_polling(b, "recvmmsg", err, 0);
    else if (++b->failures >= MAX_FAILURES) stop_polling(b, "recvmmsg", err, 1);
    return -1;
  }
  b->failures = 0;
  b->received += n;
  for (int i = 0; i < n; i++) {
    int32_t *m = b->meta + i * META;
    m[M_LENGTH] = (int32_t)b->rmsg[i].msg_len;
    m[M_REPLY] = 0;
    if (b->peer[i].ss_family == AF_INET6) {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *)&b->peer[i];
      m[M_FAMILY] = 6;
      m[M_PORT] = ntohs(a->sin6_port);
      memcpy(m + M_ADDRESS, &a->sin6_addr, 16);
    } else {
      struct sockaddr_in *a = (struct sockaddr_in *)&b->peer[i];
      m[M_FAMILY] = 4;
      m[M_PORT] = ntohs(a->sin_port);
      memcpy(m + M_ADDRESS, &a->sin_addr, 4);
    }
  }

  napi_handle_scope scope;
  napi_callback_scope cscope;
  napi_value resource, callback, global;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return 0;
  napi_get_reference_value(env, b->resource, &resource);
  napi_get_reference_value(env, b->callback, &callback);
  napi_get_global(env, &global);
  if (napi_open_callback_scope(env, resource, b->context, &cscope) != napi_ok) {
    napi_close_handle_scope(env, scope);
    return 0;
  }
  for (int first = 0; first < n && !b->closing; first += b->chunk) {
    int end = first + b->chunk < n ? first + b->chunk : n;
    napi_value argv[2], ignored;
    if (napi_create_int32(env, first, &argv[0]) != napi_ok || napi_create_int32(env, end - first, &argv[1]) != napi_ok ||
        napi_call_function(env, global, callback, 2, argv, &ignored) != napi_ok) {
      // The chunk's handler threw past its own guard: none of its datagrams is answered.
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      b->callback_errors += end - first;
      continue;
    }
    send_replies(b, first, end);
  }
  napi_close_callback_scope(env, cscope); // runs process.nextTick and microtasks queued by the handler
  napi_close_handle_scope(env, scope);
  return n;
}

static void on_readable(uv_poll_t *poll, int status, int events);

static void on_retry(uv_timer_t *timer) {
  udp_batch *b = timer->data;
  b->pausing = 0;
  b->failures = 0;
  if (!b->closing && !b->stopped && !b->held) uv_poll_start(&b->poll, UV_READABLE, on_readable);
}

/** Stops the poll (for good, or for PAUSE_MS after transient failures) and tells JS which failure it was. */
static void stop_polling(udp_batch *b, const char *syscall, int err, int transient) {
  if (b->stopped || b->pausing || b->closing) return;
  uv_poll_stop(&b->poll);
  if (transient) {
    b->pausing = 1;
    uv_timer_start(&b->retry, on_retry, PAUSE_MS, 0);
  } else {
    b->stopped = 1;
  }
  if (!b->on_error) return;
  napi_env env = b->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  char text[160];
  snprintf(text, sizeof text, "%s failed (%s) %d time(s) in a row: %s", syscall, uv_err_name(uv_translate_sys_error(err)), b->failures > 0 ? b->failures : 1,
           transient ? "receiving paused for 100 ms" : "this UDP socket no longer receives");
  napi_value fn, resource, message, ignored;
  if (napi_get_reference_value(env, b->on_error, &fn) == napi_ok && fn && napi_get_reference_value(env, b->resource, &resource) == napi_ok &&
      napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message) == napi_ok) {
    if (napi_make_callback(env, b->context, resource, fn, 1, &message, &ignored) != napi_ok) napi_get_and_clear_last_exception(env, &ignored);
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  udp_batch *b = poll->data;
  if (status < 0) {
    // libuv reports a poll error once per loop turn while it lasts: stop instead of spinning.
    b->recv_errors++;
    stop_polling(b, "poll", -status, 0);
    return;
  }
  // Level-triggered: a few full batches, then back to the loop so timers and TCP are not starved.
  for (int round = 0; round < 4 && !b->closing && !b->stopped && !b->pausing && !b->held; round++) {
    if (serve_batch(b) < BATCH) break;
  }
}

/** An ArrayBuffer of at least `need` octets: its data, or NULL (a JS exception is then pending). */
static void *buffer_of(napi_env env, napi_value value, size_t need, const char *what) {
  bool is_buffer = false;
  void *data = NULL;
  size_t length = 0;
  if (napi_is_arraybuffer(env, value, &is_buffer) != napi_ok || !is_buffer || napi_get_arraybuffer_info(env, value, &data, &length) != napi_ok || length < need) {
    napi_throw_type_error(env, "EINVAL", what);
    return NULL;
  }
  return data;
}

/** start(handle, callback, onError, receive, send, meta, chunk): the three ArrayBuffers of batchSize slots (see udp-batch.ts). */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7], resource, name;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udp_batch *b = unwrap(env, argv[0]);
  if (!b || b->started || b->closing) return throw_internal(env, "start: bad or used handle");
  if (argc < 7) return throw_internal(env, "start: 7 arguments");
  unsigned char *in = buffer_of(env, argv[3], (size_t)BATCH * SLOT, "start: the receive buffer must be an ArrayBuffer of batchSize * slotSize octets");
  if (!in) return NULL;
  unsigned char *out = buffer_of(env, argv[4], (size_t)BATCH * SLOT, "start: the send buffer must be an ArrayBuffer of batchSize * slotSize octets");
  if (!out) return NULL;
  int32_t *meta = buffer_of(env, argv[5], (size_t)BATCH * META * sizeof(int32_t), "start: the metadata must be an ArrayBuffer of batchSize * metaWords int32");
  if (!meta) return NULL;
  int32_t chunk = BATCH;
  CHECK(napi_get_value_int32(env, argv[6], &chunk));
  b->chunk = chunk < 1 ? 1 : chunk > BATCH ? BATCH : chunk;
  b->in = in;
  b->out = out;
  b->meta = meta;
  for (int i = 0; i < BATCH; i++) {
    b->riov[i].iov_base = b->in + (size_t)i * SLOT;
    b->riov[i].iov_len = SLOT;
    b->siov[i].iov_base = b->out + (size_t)i * SLOT;
  }
  CHECK(napi_create_reference(env, argv[3], 1, &b->in_ref));
  CHECK(napi_create_reference(env, argv[4], 1, &b->out_ref));
  CHECK(napi_create_reference(env, argv[5], 1, &b->meta_ref));
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  CHECK(napi_create_reference(env, argv[1], 1, &b->callback));
  napi_valuetype on_error_type = napi_undefined;
  CHECK(napi_typeof(env, argv[2], &on_error_type));
  if (on_error_type == napi_function) CHECK(napi_create_reference(env, argv[2], 1, &b->on_error));
  CHECK(napi_create_reference(env, argv[0], 1, &b->self));
  CHECK(napi_create_object(env, &resource));
  CHECK(napi_create_reference(env, resource, 1, &b->resource));
  CHECK(napi_create_string_utf8(env, "port53:udp-batch", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, resource, name, &b->context));
  if (uv_poll_init(loop, &b->poll, b->fd) != 0) return throw_errno(env, "uv_poll_init", EINVAL);
  b->poll.data = b;
  uv_timer_init(loop, &b->retry);
  b->retry.data = b;
  b->started = 1;
  CHECK(napi_add_async_cleanup_hook(env, on_teardown, b, &b->cleanup));
  int rc = uv_poll_start(&b->poll, UV_READABLE, on_readable);
  if (rc != 0) return throw_errno(env, "uv_poll_start", -rc);
  return NULL;
}

static void on_closed(uv_handle_t *handle) {
  udp_batch *b = handle->data;
  napi_env env = b->env;
  close(b->fd);
  b->fd = -1;
  b->closed = 1;
  if (b->cleanup) {
    napi_remove_async_cleanup_hook(b->cleanup);
    b->cleanup = NULL;
  }
  if (b->teardown) return; // the environment is going: its references go with it
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value done = NULL, resource, global, ignored;
  if (b->on_closed) napi_get_reference_value(env, b->on_closed, &done);
  napi_get_reference_value(env, b->resource, &resource);
  napi_get_global(env, &global);
  if (done && napi_make_callback(env, b->context, resource, done, 0, NULL, &ignored) != napi_ok) napi_get_and_clear_last_exception(env, &ignored);
  napi_async_destroy(env, b->context);
  napi_delete_reference(env, b->callback);
  napi_delete_reference(env, b->resource);
  if (b->on_closed) napi_delete_reference(env, b->on_closed);
  if (b->on_error) napi_delete_reference(env, b->on_error);
  napi_delete_reference(env, b->in_ref);
  napi_delete_reference(env, b->out_ref);
  napi_delete_reference(env, b->meta_ref);
  napi_delete_reference(env, b->self); // the External may now be collected; its finalizer frees b
  napi_close_handle_scope(env, scope);
}

/**
 * A worker thread (port53d --workers) that ends without close() — it crashed or called
 * process.exit() — must not leave a poll open on its loop: Node aborts the whole process
 * ("uv_loop_close() while having open handles"). Node runs this before closing the loop.
 */
static void on_teardown(napi_async_cleanup_hook_handle hook, void *arg) {
  udp_batch *b = arg;
  b->teardown = 1;
  if (b->closing) return; // close() is under way: on_closed removes this hook
  b->closing = 1;
  uv_poll_stop(&b->poll);
  uv_timer_stop(&b->retry);
  uv_close((uv_handle_t *)&b->retry, NULL);
  uv_close((uv_handle_t *)&b->poll, on_closed);
}

/** close(handle, done): stops reading, closes the socket, then calls done(). */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], ignored;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udp_batch *b = unwrap(env, argv[0]);
  if (!b || b->closing) return throw_internal(env, "close: bad or closed handle");
  b->closing = 1;
  if (!b->started) {
    close(b->fd);
    b->fd = -1;
    napi_value global;
    napi_get_global(env, &global);
    if (napi_call_function(env, global, argv[1], 0, NULL, &ignored) != napi_ok) napi_get_and_clear_last_exception(env, &ignored);
    return NULL;
  }
  CHECK(napi_create_reference(env, argv[1], 1, &b->on_closed));
  uv_poll_stop(&b->poll);
  uv_timer_stop(&b->retry);
  // Closed first, so its close callback has run before on_closed lets the struct be freed.
  uv_close((uv_handle_t *)&b->retry, NULL);
  uv_close((uv_handle_t *)&b->poll, on_closed);
  return NULL;
}

/** counters(handle) => { received, sent, sendDropped, callbackErrors, recvErrors } */
static napi_value js_counters(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result, v;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udp_batch *b = unwrap(env, argv[0]);
  if (!b) return throw_internal(env, "counters: bad handle");
  CHECK(napi_create_object(env, &result));
  const struct { const char *name; double value; } fields[] = {
      {"received", b->received}, {"sent", b->sent}, {"sendDropped", b->send_dropped},
      {"callbackErrors", b->callback_errors}, {"recvErrors", b->recv_errors}};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    CHECK(napi_create_double(env, fields[i].value, &v));
    CHECK(napi_set_named_property(env, result, fields[i].name, v));
  }
  return result;
}

/** injectReceiveError(handle, errno): tests only; every receive fails with errno (0 ends it). */
static napi_value js_inject(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udp_batch *b = unwrap(env, argv[0]);
  if (!b) return throw_internal(env, "injectReceiveError: bad handle");
  int32_t err = 0;
  CHECK(napi_get_value_int32(env, argv[1], &err));
  b->injected = err;
  return NULL;
}

/**
 * sendMany(handle, frame, length) => replies sent: the replies packed in frame[0..length) as
 * records [port u16][address length u8][address, text][reply length u16][reply], sent from this
 * socket with sendmmsg, up to 64 at a time. port53d --workers: the main thread's answers to the
 * queries a worker passed on, one syscall for a frame instead of one each (a loopback sendto
 * measured ~9 µs per reply). A reply the kernel will not take, or a bad record, is dropped and counted.
 */
static napi_value js_send_many(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udp_batch *b = unwrap(env, argv[0]);
  if (!b || b->closing || b->fd < 0) return throw_internal(env, "sendMany: bad or closed handle");
  void *data = NULL;
  size_t size = 0;
  napi_typedarray_type type;
  CHECK(napi_get_typedarray_info(env, argv[1], &type, &size, &data, NULL, NULL));
  int32_t length = 0;
  CHECK(napi_get_value_int32(env, argv[2], &length));
  if (type != napi_uint8_array || length < 0 || (size_t)length > size) return throw_internal(env, "sendMany: bad frame");
  const unsigned char *f = data;
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_storage to[BATCH];
  int total = 0;
  size_t p = 0;
  while (p < (size_t)length) {
    int n = 0;
    for (; n < BATCH && p + 5 <= (size_t)length; ) {
      int port = (f[p] << 8) | f[p + 1];
      size_t alen = f[p + 2];
      p += 3;
      if (p + alen + 2 > (size_t)length || alen > INET6_ADDRSTRLEN) { p = (size_t)length; b->callback_errors++; break; }
      char text[INET6_ADDRSTRLEN + 1];
      memcpy(text, f + p, alen);
      text[alen] = 0;
      p += alen;
      size_t rlen = ((size_t)f[p] << 8) | f[p + 1];
      p += 2;
      if (p + rlen > (size_t)length) { p = (size_t)length; b->callback_errors++; break; }
      memset(&to[n], 0, sizeof to[n]);
      socklen_t tolen;
      int ok;
      if (b->family == 6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&to[n];
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        ok = inet_pton(AF_INET6, text, &a->sin6_addr) == 1;
        tolen = sizeof *a;
      } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&to[n];
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        ok = inet_pton(AF_INET, text, &a->sin_addr) == 1;
        tolen = sizeof *a;
      }
      if (!ok) {
        b->callback_errors++;
        p += rlen;
        continue;
      }
      iov[n].iov_base = (void *)(f + p);
      iov[n].iov_len = rlen;
      memset(&msgs[n].msg_hdr, 0, sizeof msgs[n].msg_hdr);
      msgs[n].msg_hdr.msg_iov = &iov[n];
      msgs[n].msg_hdr.msg_iovlen = 1;
      msgs[n].msg_hdr.msg_name = &to[n];
      msgs[n].msg_hdr.msg_namelen = tolen;
      p += rlen;
      n++;
    }
    for (int first = 0; first < n;) {
      int sent = sendmmsg(b->fd, msgs + first, (unsigned)(n - first), MSG_DONTWAIT);
      if (sent < 0) {
        if (errno == EINTR) continue;
        b->send_dropped++;
        first++;
      } else {
        b->sent += sent;
        total += sent;
        first += sent;
      }
    }
  }
  CHECK(napi_create_int32(env, total, &result));
  return result;
}

/**
 * hold(handle, on): stops reading this socket (on) or starts again. port53d --workers: a worker
 * whose passed-on queries the main thread has not answered yet stops taking more from the shared
 * socket, so the busy main thread reads them itself instead of paying for each one twice.
 */
static napi_value js_hold(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udp_batch *b = unwrap(env, argv[0]);
  if (!b) return throw_internal(env, "hold: bad handle");
  bool on = false;
  CHECK(napi_get_value_bool(env, argv[1], &on));
  if (!b->started || b->closing || b->held == (int)on) return NULL;
  b->held = on;
  if (b->pausing || b->stopped) return NULL; // the retry timer (or nothing) restarts it
  if (on) uv_poll_stop(&b->poll);
  else uv_poll_start(&b->poll, UV_READABLE, on_readable);
  return NULL;
}

/**
 * share(handle, fd): before start(), makes the handle's socket a duplicate of `fd`, another
 * thread's bound UDP socket (its number from fd()). port53d --workers: every answering thread
 * reads the one socket, so the kernel hands each datagram to whichever thread asks first (as
 * NSD's server processes share theirs) instead of hashing clients onto per-thread sockets.
 */
static napi_value js_share(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udp_batch *b = unwrap(env, argv[0]);
  if (!b || b->started || b->closing || b->fd < 0) return throw_internal(env, "share: bad, started or closed handle");
  int32_t fd = -1;
  CHECK(napi_get_value_int32(env, argv[1], &fd));
  int type = 0;
  socklen_t len = sizeof type;
  if (fd < 0) return throw_errno(env, "share", EBADF);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) return throw_errno(env, "share", errno);
  if (type != SOCK_DGRAM) return throw_errno(env, "share", ENOTSOCK);
  // dup3 closes the handle's own socket and puts the shared one in its place, non-blocking as it is.
  if (dup3(fd, b->fd, O_CLOEXEC) < 0) return throw_errno(env, "dup3", errno);
  return NULL;
}

/** fd(handle) => the socket's descriptor number, for share() in another thread. */
static napi_value js_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  udp_batch *b = unwrap(env, argv[0]);
  if (!b || b->fd < 0) return throw_internal(env, "fd: bad or closed handle");
  CHECK(napi_create_int32(env, b->fd, &result));
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value batch, slot, meta;
  napi_create_int32(env, BATCH, &batch);
  napi_create_int32(env, SLOT, &slot);
  napi_create_int32(env, META, &meta);
  const napi_property_descriptor props[] = {
      {"batchSize", NULL, NULL, NULL, NULL, batch, napi_enumerable, NULL},
      {"slotSize", NULL, NULL, NULL, NULL, slot, napi_enumerable, NULL},
      {"metaWords", NULL, NULL, NULL, NULL, meta, napi_enumerable, NULL},
      {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"start", NULL, js_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"counters", NULL, js_counters, NULL, NULL, NULL, napi_enumerable, NULL},
      {"injectReceiveError", NULL, js_inject, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendMany", NULL, js_send_many, NULL, NULL, NULL, napi_enumerable, NULL},
      {"share", NULL, js_share, NULL, NULL, NULL, napi_enumerable, NULL},
      {"hold", NULL, js_hold, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fd", NULL, js_fd, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(udp_batch, init)
