// Descriptor passing between two processes over a Unix socket: the parent
// opens a file and a listening TCP socket, sends both descriptors to a child
// with send_fds, and the child uses them as its own (recv_fds).
//
//   node .build/examples/fd-passing.js
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readSync, writeFileSync, closeSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as socket from 'bsd-socket';

if (process.argv[2] === '--child') {
  // Descriptor 3 is our end of the parent's socketpair.
  const chan = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, 3);
  const [msg, fds, flags] = socket.recv_fds(chan, 100, 2);
  if (flags & socket.MSG_CTRUNC) throw new Error('descriptors were dropped');
  const [fileFd, listenerFd] = fds as [number, number];
  const buf = Buffer.alloc(100);
  const n = readSync(fileFd, buf, 0, 100, 0);
  const listener = socket.socket(null, null, null, listenerFd); // adopt: family/type read from the kernel
  console.log(`child: got "${msg.toString()}", file says "${buf.subarray(0, n).toString()}",` +
    ` listener ${String(listener)}`);
  const [conn] = listener.accept();
  conn.sendall(Buffer.from('hello from the child, through a passed listener\n'));
  conn.close();
  listener.close();
  closeSync(fileFd);
  chan.close();
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'fd-passing-'));
  const file = path.join(dir, 'note.txt');
  writeFileSync(file, 'opened by the parent');
  const fd = openSync(file, 'r');
  const listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  listener.bind(['127.0.0.1', 0]);
  listener.listen();
  const [mine, theirs] = socket.socketpair();
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child'], {
    stdio: ['ignore', 'inherit', 'inherit', theirs.fileno()],
  });
  theirs.close();
  socket.send_fds(mine, [Buffer.from('two descriptors')], [fd, listener.fileno()]);
  // The child owns duplicates now; ours can go.
  closeSync(fd);
  const addr = listener.getsockname();
  listener.close();
  const c = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  c.connect(addr);
  console.log(`parent: ${c.recv(100).toString().trim()}`);
  c.close();
  mine.close();
  await once(child, 'exit');
  rmSync(dir, { recursive: true, force: true });
}
