/* Resolver micro-benchmark, the C reference: the same libc calls the
 * bindings make, in a loop.
 *
 *   resolver getaddrinfo|inet_pton ROUNDS
 *
 * getaddrinfo: getaddrinfo("localhost", "80", zeroed hints) then freeaddrinfo.
 * inet_pton:   inet_pton(AF_INET, "192.168.1.1") and inet_pton(AF_INET6,
 *              "fe80::1:2"), alternating.
 * Prints one JSON line: calls per second over the measured phase (after a
 * warm-up of ROUNDS/10 calls). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int gai(long n) {
  /* Zeroed hints, as Python and bsd-socket pass them (NULL hints would mean
   * AI_V4MAPPED | AI_ADDRCONFIG in glibc). */
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  for (long i = 0; i < n; i++) {
    struct addrinfo *res = NULL;
    int r = getaddrinfo("localhost", "80", &hints, &res);
    if (r != 0) {
      fprintf(stderr, "resolver: getaddrinfo: %s\n", gai_strerror(r));
      return -1;
    }
    freeaddrinfo(res);
  }
  return 0;
}

static int pton(long n) {
  unsigned char out[16];
  volatile unsigned sink = 0;
  for (long i = 0; i < n; i++) {
    int r = (i & 1) ? inet_pton(AF_INET6, "fe80::1:2", out) : inet_pton(AF_INET, "192.168.1.1", out);
    if (r != 1) {
      fprintf(stderr, "resolver: inet_pton failed\n");
      return -1;
    }
    sink += out[0];
  }
  (void)sink;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: resolver getaddrinfo|inet_pton ROUNDS\n");
    return 2;
  }
  int is_gai = strcmp(argv[1], "getaddrinfo") == 0;
  if (!is_gai && strcmp(argv[1], "inet_pton") != 0) {
    fprintf(stderr, "resolver: unknown call %s\n", argv[1]);
    return 2;
  }
  long rounds = atol(argv[2]);
  if (rounds <= 0) {
    fprintf(stderr, "resolver: bad rounds\n");
    return 2;
  }
  int (*run)(long) = is_gai ? gai : pton;
  if (run(rounds / 10) < 0) return 1;
  double t0 = now();
  if (run(rounds) < 0) return 1;
  double secs = now() - t0;
  printf("{\"workload\":\"resolver-%s\",\"driver\":\"c\",\"rounds\":%ld,\"seconds\":%.9f,"
         "\"metrics\":{\"calls/s\":%.3f}}\n", argv[1], rounds, secs, rounds / secs);
  return 0;
}
