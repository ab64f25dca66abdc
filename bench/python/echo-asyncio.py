"""Echo server on asyncio's low-level socket API (loop.sock_accept /
sock_recv / sock_sendall): the Python peer of the echo workload.

    python3 echo-asyncio.py      listens on 127.0.0.1:0, prints "PORT <n>", echoes until killed
"""
import asyncio
import socket
import sys


async def serve(loop, conn):
    try:
        while True:
            data = await loop.sock_recv(conn, 4096)
            if not data:
                return
            await loop.sock_sendall(conn, data)
    finally:
        conn.close()


async def main():
    loop = asyncio.get_running_loop()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', 0))
    srv.listen(1024)
    srv.setblocking(False)
    print(f'PORT {srv.getsockname()[1]}', flush=True)
    tasks = set()
    while True:
        conn, _ = await loop.sock_accept(srv)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.setblocking(False)
        t = asyncio.ensure_future(serve(loop, conn))
        tasks.add(t)
        t.add_done_callback(tasks.discard)


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
