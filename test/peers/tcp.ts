/** Client halves of the TCP tests (run in a worker thread by runPeer). */
import * as socket from 'bsd-socket';

/** Connects to `port`, sends `text`, closes. */
export function connectAndSend(port: number, text: string): void {
  const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
  try {
    s.connect(['127.0.0.1', port]);
    s.sendall(Buffer.from(text));
  } finally {
    s.close();
  }
}
