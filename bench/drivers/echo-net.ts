// Echo server on node:net: the peer to beat in the echo workload.
//
//   node echo-net.js       listens on 127.0.0.1:0, prints "PORT <n>", echoes until killed

import net from 'node:net';

const server = net.createServer({ noDelay: true }, (sock) => {
  sock.on('data', (d: Buffer) => sock.write(d));
  sock.on('error', () => sock.destroy());
});
server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, () => {
  process.stdout.write(`PORT ${(server.address() as net.AddressInfo).port}\n`);
});
