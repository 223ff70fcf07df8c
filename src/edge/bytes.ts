// Writing text the edge has already checked straight into a Buffer: response heads
// (./http1/response.ts) and access-log lines (./access-log.ts) are assembled as bytes, not as
// strings that would be flattened and copied out again.

import type { Buffer } from 'node:buffer';

/** Copies `bytes` to `at` in `out` and returns the offset after them. */
export function copy(out: Buffer, at: number, bytes: Uint8Array): number {
  out.set(bytes, at);
  return at + bytes.length;
}

/**
 * Copies `text`, whose every character is latin1 (checked before), to `at`, one byte each, and
 * returns the offset after it. A loop: the pieces are a few to a few dozen characters, where a
 * native write's call cost more.
 */
export function putLatin1(out: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}
