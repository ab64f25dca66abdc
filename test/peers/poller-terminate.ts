/**
 * Worker script (not a runPeer module) for test/poller.test.ts: adopts the
 * descriptor numbers it is given (the parent keeps ownership and closes
 * them), starts twins that cannot complete, reports which readiness path it
 * uses and how many twins are pending, and waits to be terminated.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as socket from 'bsd-socket';

const { fds } = workerData as { fds: number[] };
const socks = fds.map((fd) => new socket.Socket(socket.AF_UNIX, socket.SOCK_STREAM, 0, fd));
const pending = socks.map((s) => s.async.recv(10).catch(() => undefined));
const state = socket.async.reactorState();
parentPort!.postMessage({ pending: state.pending, poller: state.poller });
await Promise.all(pending);
