/** Fastly timestamps: ISO 8601, seconds precision, UTC. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
