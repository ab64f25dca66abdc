/**
 * `bsd-socket/async`: module-level Promise twins (getaddrinfo, create_connection, ...).
 * Owned by the async and name-services work; filled in as they land.
 */
export {};
