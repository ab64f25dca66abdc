"""Bulk TCP throughput over loopback with Python's socket module.

    python3 bulk.py BYTES

Same shape as bench/c/bulk.c: the child connects and sendall()s BYTES from
one 256 KiB buffer; the parent recv_into()s one reused 256 KiB bytearray
until EOF, timing from the first byte to EOF.
"""
import json
import os
import socket
import sys
import time

CHUNK = 256 * 1024
total = int(sys.argv[1]) if len(sys.argv) > 1 else 2 ** 31
l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l.bind(("127.0.0.1", 0))
l.listen()
addr = l.getsockname()
pid = os.fork()
if pid == 0:
    l.close()
    c = socket.create_connection(addr)
    buf = b"x" * CHUNK
    mv = memoryview(buf)
    sent = 0
    while sent < total:
        n = min(CHUNK, total - sent)
        c.sendall(mv[:n])
        sent += n
    c.close()
    os._exit(0)
conn, _ = l.accept()
l.close()
buf = bytearray(CHUNK)
recv_into = conn.recv_into
got, t0 = 0, 0.0
while True:
    n = recv_into(buf)
    if not n:
        break
    if got == 0:
        t0 = time.monotonic()
    got += n
t1 = time.monotonic()
os.waitpid(pid, 0)
assert got == total, (got, total)
print(json.dumps({"workload": "bulk-tcp", "driver": "python", "rounds": total, "seconds": t1 - t0,
                  "metrics": {"GB/s": total / (t1 - t0) / 1e9}}))
