// The NOTIFY channels of a fleet's store: ./store.ts announces committed events on one, ./fleet.ts
// a purge acknowledgement on the other, and every node's feed (./feed.ts) listens on both.
export const EVENTS_CHANNEL = 'lacquer_events';
export const ACKS_CHANNEL = 'lacquer_acks';
