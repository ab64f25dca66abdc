"""Echo server on Python's selectors module (DefaultSelector, non-blocking
sockets, one thread blocking in select()): the Python peer of
examples/select-server.ts in the echo workload.

    python3 echo-selectors.py      listens on 127.0.0.1:0, prints "PORT <n>", echoes until killed
"""
import selectors
import socket


def main():
    sel = selectors.DefaultSelector()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', 0))
    srv.listen(1024)
    srv.setblocking(False)
    print(f'PORT {srv.getsockname()[1]}', flush=True)
    sel.register(srv, selectors.EVENT_READ, None)
    pending = {}
    while True:
        for key, events in sel.select():
            if key.data is None:
                while True:
                    try:
                        conn, _ = srv.accept()
                    except BlockingIOError:
                        break
                    conn.setblocking(False)
                    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    pending[conn] = []
                    sel.register(conn, selectors.EVENT_READ, conn)
                continue
            conn = key.data
            if events & selectors.EVENT_READ:
                try:
                    data = conn.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b''
                if not data:
                    sel.unregister(conn)
                    del pending[conn]
                    conn.close()
                    continue
                pending[conn].append(data)
            queue = pending[conn]
            while queue:
                try:
                    sent = conn.send(queue[0])
                except BlockingIOError:
                    break
                if sent == len(queue[0]):
                    queue.pop(0)
                else:
                    queue[0] = queue[0][sent:]
            want = selectors.EVENT_READ | (selectors.EVENT_WRITE if queue else 0)
            if key.events != want:
                sel.modify(conn, want, conn)


if __name__ == '__main__':
    main()
