"""UDP packets per second over loopback with Python's socket module.

    python3 udp.py COUNT [SIZE=64] [RCVBUF]

Same shape as bench/c/udp.c (plain mode): the parent binds the receiving
socket and forks; the child receives with recv_into() under settimeout(0.3)
until COUNT or silence and reports through a pipe; the parent sends COUNT
datagrams with sendto() flat out and prints one JSON line.  RCVBUF, when
given and not 0, is set as the receiving socket's SO_RCVBUF.
"""
import json
import os
import socket
import sys
import time

count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
size = int(sys.argv[2]) if len(sys.argv) > 2 else 64
rcvbuf = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("127.0.0.1", 0))
addr = rx.getsockname()
if rcvbuf > 0:
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    rx.settimeout(0.3)
    buf = bytearray(2048)
    got, t0, t1 = 0, 0.0, 0.0
    os.write(w, b"r")
    try:
        while got < count:
            rx.recv_into(buf)
            t1 = time.monotonic()
            if got == 0:
                t0 = t1
            got += 1
    except TimeoutError:
        pass
    os.write(w, json.dumps([got, t1 - t0]).encode())
    os._exit(0)
os.close(w)
rx.close()
os.read(r, 1)
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
data = b"x" * size
sendto = tx.sendto
t0 = time.monotonic()
for _ in range(count):
    sendto(data, addr)
t1 = time.monotonic()
got, rsecs = json.loads(os.read(r, 4096))
os.waitpid(pid, 0)
secs = t1 - t0
print(json.dumps({"workload": "udp-pps", "driver": "python", "rounds": count, "seconds": secs,
                  "metrics": {"sent-pps": count / secs, "recv-pps": got / (rsecs or secs),
                              "loss-%": 100.0 * (count - got) / count}}))
