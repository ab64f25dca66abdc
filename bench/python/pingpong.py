"""1-byte ping-pong between two processes with Python's socket module.

    python3 pingpong.py unix|tcp ROUNDS [WARMUP]

The same system calls as bench/c/pingpong.c: blocking send/recv, the echo
side in a forked child.  Prints one JSON line with the parent's round trips
per second, timed with time.perf_counter_ns() around the measured phase only.
"""
import json
import os
import socket
import sys
import time


def echo(s, limit):
    # Bounded: at most `limit` bytes, ends at EOF.
    recv = s.recv
    send = s.send
    for _ in range(limit):
        b = recv(1)
        if not b:
            return
        if send(b) != 1:
            raise OSError("short send")


def ping(s, rounds):
    recv = s.recv
    send = s.send
    b = b"x"
    for _ in range(rounds):
        if send(b) != 1:
            raise OSError("short send")
        if len(recv(1)) != 1:
            raise ConnectionResetError("EOF from echo side")


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("unix", "tcp"):
        print("usage: pingpong.py unix|tcp ROUNDS [WARMUP]", file=sys.stderr)
        return 2
    mode = sys.argv[1]
    rounds = int(sys.argv[2])
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    limit = rounds + warmup

    if mode == "unix":
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            a.close()
            try:
                echo(b, limit)
            finally:
                os._exit(0)
        b.close()
        s = a
    else:
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        addr = lsock.getsockname()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                lsock.close()
                c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                c.connect(addr)
                c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                echo(c, limit)
                code = 0
            finally:
                os._exit(code)
        s, _ = lsock.accept()
        lsock.close()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    ping(s, warmup)
    t0 = time.perf_counter_ns()
    ping(s, rounds)
    t1 = time.perf_counter_ns()
    s.close()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        print("pingpong.py: echo child failed", file=sys.stderr)
        return 1
    secs = (t1 - t0) / 1e9
    print(json.dumps({
        "workload": "pingpong-" + mode,
        "driver": "python",
        "rounds": rounds,
        "seconds": round(secs, 6),
        "metrics": {"rt/s": round(rounds / secs, 1)},
    }, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
