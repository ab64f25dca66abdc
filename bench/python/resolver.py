"""Resolver micro-benchmark with Python's socket module.

    python3 resolver.py getaddrinfo|inet_pton ROUNDS

getaddrinfo: socket.getaddrinfo('localhost', 80).
inet_pton:   socket.inet_pton(AF_INET, '192.168.1.1') and
             socket.inet_pton(AF_INET6, 'fe80::1:2'), alternating.
Prints one JSON line with calls per second, timed with perf_counter_ns()
around the measured phase only (after a warm-up of ROUNDS/10 calls).
"""
import json
import socket
import sys
import time


def gai(n):
    g = socket.getaddrinfo
    for _ in range(n):
        g('localhost', 80)


def pton(n):
    p = socket.inet_pton
    a4 = socket.AF_INET
    a6 = socket.AF_INET6
    for _ in range(n // 2):
        p(a4, '192.168.1.1')
        p(a6, 'fe80::1:2')


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ('getaddrinfo', 'inet_pton'):
        print('usage: resolver.py getaddrinfo|inet_pton ROUNDS', file=sys.stderr)
        return 2
    call = sys.argv[1]
    rounds = int(sys.argv[2])
    run = gai if call == 'getaddrinfo' else pton
    run(max(rounds // 10, 2))
    t0 = time.perf_counter_ns()
    run(rounds)
    secs = (time.perf_counter_ns() - t0) / 1e9
    rounds = rounds if call == 'getaddrinfo' else rounds // 2 * 2
    print(json.dumps({'workload': f'resolver-{call}', 'driver': 'python', 'rounds': rounds,
                      'seconds': secs, 'metrics': {'calls/s': rounds / secs}}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
