// Echo server on bsd-socket/selectors: examples/select-server.ts's serveForever
// (DefaultSelector, non-blocking sockets, one thread blocking in select()),
// the library's multiplexing row of the echo workload.
//
//   node echo-select.js       listens on 127.0.0.1:0, prints "PORT <n>", echoes until killed

import * as socket from 'bsd-socket';
import { serveForever } from '../../examples/select-server.js';

const srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1);
srv.bind(['127.0.0.1', 0]);
srv.listen(1024);
process.stdout.write(`PORT ${(srv.getsockname() as [string, number])[1]}\n`);
serveForever(srv);
