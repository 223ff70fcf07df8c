// Fastly's escapes in "…" strings (Fastly VCL reference, types/STRING): %XX bytes, read as
// UTF-8 when consecutive, and %uXXXX / %u{X…} code points. The scanner calls this only for a
// string that holds a `%`.

const PERCENT = 37;
const HEX_PAIR = /^[0-9a-fA-F]{2}$/;
/** Invalid UTF-8 becomes U+FFFD, as Fastly shows it. */
const UTF8 = new TextDecoder();

/**
 * Decodes Fastly's string escapes: %XX (bytes; consecutive ones are read as UTF-8),
 * %uXXXX and %u{X…} (code points). A `%` that starts no valid escape stays as written.
 */
export function decodePercentEscapes(body: string): string {
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length > 0) { out += UTF8.decode(new Uint8Array(bytes)); bytes = []; }
  };
  let i = 0;
  while (i < body.length) {
    const c = body.charCodeAt(i);
    if (c === PERCENT) {
      if (HEX_PAIR.test(body.slice(i + 1, i + 3))) {
        bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
        i += 3;
        continue;
      }
      if (body[i + 1] === 'u') {
        const m = /^%u(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4}))/.exec(body.slice(i, i + 11));
        if (m !== null) {
          const cp = parseInt(m[1] ?? m[2], 16);
          if (cp <= 0x10ffff) {
            flush();
            out += String.fromCodePoint(cp);
            i += m[0].length;
            continue;
          }
        }
      }
    }
    flush();
    out += body[i];
    i++;
  }
  flush();
  return out;
}
