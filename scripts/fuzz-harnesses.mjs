// Each harness, the plain-C files of native/ it links (never Node-API), and
// its longest input: a sockaddr_storage is 128 bytes; the list builders reach
// every branch with a few entries, and longer lists only cost time.
export const harnesses = {
  sockaddr_decode: { sources: ['sockaddr.c'], maxLen: 160 },
  sockaddr_encode: { sources: ['sockaddr.c'], maxLen: 300 },
  inet_text: { sources: ['sockaddr.c'], maxLen: 128 },
  cmsg: { sources: ['cmsg.c'], maxLen: 1024 },
  mmsg: { sources: ['cmsg.c'], maxLen: 200 },
  nameindex: { sources: ['results.c', 'sockaddr.c'], maxLen: 200 },
  addrinfo: { sources: ['results.c', 'sockaddr.c'], maxLen: 200 },
  hostent: { sources: ['results.c', 'sockaddr.c'], maxLen: 200 },
};
