/**
 * Address codecs of the families beyond INET/INET6/UNIX (netlink, packet,
 * CAN, VSOCK, ALG, TIPC, RDS, QIPCRTR, Bluetooth), registered with
 * address.ts. Owned by the families work (issue 6).
 */
export {};
