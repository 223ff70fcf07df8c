// How many requests each client connection has carried, for VCL's `client.requests` (Fastly:
// "the number of requests received on this client connection", this one included). Keyed
// weakly by the connection's socket, so a closed connection's count goes with it.
const counts = new WeakMap<object, number>();

/** Counts one more request on `socket` and returns the count. */
export function countRequest(socket: object): number {
  const n = (counts.get(socket) ?? 0) + 1;
  counts.set(socket, n);
  return n;
}
