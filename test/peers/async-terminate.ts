/**
 * Worker script (not a runPeer module): adopts the descriptor numbers it is
 * given (the parent keeps ownership and closes them), starts twins that
 * cannot complete, says so, and waits to be terminated.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as socket from 'bsd-socket';

const { fds } = workerData as { fds: number[] };
const socks = fds.map((fd) => new socket.Socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, fd));
const pending = socks.map((s) => s.async.recv(10).catch(() => undefined));
parentPort!.postMessage({ pending: socket.async.reactorState().pending });
await Promise.all(pending);
