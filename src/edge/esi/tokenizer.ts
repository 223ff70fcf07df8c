// A streaming tokenizer for Fastly's subset of ESI 1.0 (https://www.w3.org/TR/esi-lang/):
// `<esi:include src alt onerror/>`, `<esi:remove>…</esi:remove>`, `<esi:comment …/>` and the
// `<!--esi … -->` wrapper (Fastly's esi statement page lists include, comment and remove).
//
// It reads bytes as they arrive, in chunks cut anywhere, and hands back events: text to send
// as it is, and includes to fetch. Text is kept as latin1 strings, one character per byte, so
// every byte that is not ESI markup goes out exactly as it came, whatever the page's charset.
// Only a possible tag start at the end of a chunk is held back until the next chunk decides it.
//
// Malformed markup (W3C ESI leaves it to the processor; these follow Varnish's cache_esi_parse.c
// where it decides, and "leave the bytes alone" where it does not):
// - A tag that does not end (`>`) within MAX_TAG bytes, or by the end of the body, is not a
//   tag: its bytes are sent as text.
// - `<esi:include>` without `src` includes nothing; `</esi:include>` is dropped, so both the
//   empty-element and the start/end forms work.
// - `<esi:remove>` without its end tag removes everything to the end of the body; a stray
//   `</esi:remove>` is dropped; removes do not nest (the first end tag ends the removal).
// - `<!--esi` without `-->` keeps processing to the end of the body.
// - Other `esi:` elements (try, choose, vars, …: not in Fastly's subset) are sent as text.
// - Attribute values are decoded as HTML attributes are for the five XML entities and numeric
//   references (`&amp;` in a src is `&`).
// - ESI markup inside CDATA sections is processed (Fastly's `esi.allow_inside_cdata` is not
//   implemented).

import { Buffer } from 'node:buffer';

export type EsiEvent =
  | { readonly kind: 'text'; readonly bytes: Buffer }
  | { readonly kind: 'include'; readonly src: string; readonly alt: string | null; readonly continueOnError: boolean };

/** The longest `<esi:…>` tag read as one; longer, its bytes are text. */
export const MAX_TAG = 8 * 1024;

const ESI_OPEN = '<esi:';
const ESI_CLOSE = '</esi:';
const COMMENT_OPEN = '<!--esi';
const COMMENT_CLOSE = '-->';
const REMOVE_END = '</esi:remove';

export class EsiTokenizer {
  #buf = '';
  #inComment = false;
  #removing = false;
  #out: EsiEvent[] = [];
  #text = '';

  push(chunk: Buffer): EsiEvent[] {
    this.#buf += chunk.toString('latin1');
    this.#scan(false);
    return this.#take();
  }

  /** The body ended: whatever is held back is decided now. */
  end(): EsiEvent[] {
    this.#scan(true);
    if (!this.#removing) this.#text += this.#buf;
    this.#buf = '';
    return this.#take();
  }

  #take(): EsiEvent[] {
    this.#flushText();
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #flushText(): void {
    if (this.#text !== '') this.#out.push({ kind: 'text', bytes: Buffer.from(this.#text, 'latin1') });
    this.#text = '';
  }

  #scan(final: boolean): void {
    let b = this.#buf;
    let i = 0;
    for (;;) {
      if (this.#removing) {
        const end = b.indexOf(REMOVE_END, i);
        if (end < 0) {
          // Keep only what could be the start of the end tag.
          i = Math.max(i, b.length - (REMOVE_END.length - 1));
          break;
        }
        const gt = closeOf(b, end + REMOVE_END.length);
        if (gt === 'wait') { i = end; if (final) i = b.length; break; }
        this.#removing = false;
        i = gt === 'no' ? end + REMOVE_END.length : gt + 1;
        continue;
      }
      const lt = b.indexOf('<', i);
      const cc = this.#inComment ? b.indexOf(COMMENT_CLOSE, i) : -1;
      if (cc >= 0 && (lt < 0 || cc < lt)) {
        this.#text += b.slice(i, cc);
        this.#inComment = false;
        i = cc + COMMENT_CLOSE.length;
        continue;
      }
      if (lt < 0) {
        // Hold back a trailing "-" or "--" that may begin the comment's end.
        let stop = b.length;
        if (this.#inComment && !final) while (stop > i && b.length - stop < 2 && b[stop - 1] === '-') stop--;
        this.#text += b.slice(i, stop);
        i = stop;
        break;
      }
      this.#text += b.slice(i, lt);
      i = lt;
      const step = this.#markup(b, lt, final);
      if (step === 'wait') break;
      i = step;
    }
    b = b.slice(i);
    this.#buf = b;
  }

  /**
   * At a '<': reads the ESI construct starting there and returns where scanning resumes, or
   * 'wait' when the bytes so far cannot tell (never when `final`).
   */
  #markup(b: string, at: number, final: boolean): number | 'wait' {
    const rest = b.length - at;
    if (b.startsWith(COMMENT_OPEN, at)) {
      const after = b[at + COMMENT_OPEN.length];
      if (after === undefined) return final ? this.#literal(at) : 'wait';
      if (!this.#inComment && isSpace(after)) {
        this.#inComment = true;
        return at + COMMENT_OPEN.length + 1;
      }
      return this.#literal(at);
    }
    const closing = b.startsWith(ESI_CLOSE, at);
    if (!closing && !b.startsWith(ESI_OPEN, at)) {
      const maybe = [COMMENT_OPEN, ESI_OPEN, ESI_CLOSE].some((p) => rest < p.length && p.startsWith(b.slice(at)));
      return maybe && !final ? 'wait' : this.#literal(at);
    }
    const gt = b.indexOf('>', at);
    if (gt < 0 || gt - at >= MAX_TAG) {
      if (gt < 0 && rest < MAX_TAG && !final) return 'wait';
      return this.#literal(at);
    }
    const tag = parseTag(b.slice(at + (closing ? ESI_CLOSE.length : ESI_OPEN.length), gt));
    if (tag === null) return this.#literal(at);
    if (closing) {
      // End tags of include and remove are dropped (a stray remove end tag too).
      return tag.name === 'include' || tag.name === 'remove' ? gt + 1 : this.#literal(at);
    }
    switch (tag.name) {
      case 'include': {
        const src = tag.attributes.get('src');
        if (src !== undefined && src !== '') {
          this.#flushText();
          this.#out.push({
            kind: 'include', src: decodeUtf8(src), alt: emptyToNull(tag.attributes.get('alt')),
            continueOnError: tag.attributes.get('onerror') === 'continue',
          });
        }
        return gt + 1;
      }
      case 'remove':
        if (!tag.selfClosing) this.#removing = true;
        return gt + 1;
      case 'comment':
        return gt + 1;
      default:
        return this.#literal(at);
    }
  }

  /** The '<' at `at` is text. */
  #literal(at: number): number {
    this.#text += '<';
    return at + 1;
  }
}

interface Tag {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly selfClosing: boolean;
}

/**
 * The inside of a tag after `<esi:` (or `</esi:`) up to `>`: a name, then attributes
 * `name="v"`, `name='v'` or `name=v`, then an optional `/`. Null when it is not that shape.
 */
function parseTag(inner: string): Tag | null {
  let i = 0;
  const name = /^[a-z]+/.exec(inner)?.[0];
  if (name === undefined) return null;
  i = name.length;
  const attributes = new Map<string, string>();
  let selfClosing = false;
  while (i < inner.length) {
    const c = inner[i];
    if (isSpace(c)) { i++; continue; }
    if (c === '/' && inner.slice(i + 1).trim() === '') { selfClosing = true; break; }
    const attr = /^([A-Za-z_][-A-Za-z0-9_:.]*)\s*=\s*/.exec(inner.slice(i));
    if (attr === null) return null;
    i += attr[0].length;
    const q = inner[i];
    let value: string;
    if (q === '"' || q === "'") {
      const end = inner.indexOf(q, i + 1);
      if (end < 0) return null;
      value = inner.slice(i + 1, end);
      i = end + 1;
    } else {
      const m = /^[^\s"'>]+/.exec(inner.slice(i));
      if (m === null) return null;
      value = m[0];
      i += value.length;
      // `src=/x/>`: as in HTML, a `/` that ends the tag closes it rather than ending the value.
      if (i === inner.length && value.endsWith('/')) {
        value = value.slice(0, -1);
        selfClosing = true;
      }
    }
    attributes.set(attr[1].toLowerCase(), decodeEntities(value));
  }
  return { name, attributes, selfClosing };
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (all, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code < 256 ? String.fromCharCode(code) : all;
    }
    return ENTITIES[ref] ?? all;
  });
}

/** An attribute's latin1 characters are the page's bytes: URLs are read back as UTF-8. */
function decodeUtf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

function emptyToNull(v: string | undefined): string | null {
  return v === undefined || v === '' ? null : decodeUtf8(v);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** After `</esi:remove`: the index of its `>` (spaces allowed before it), 'wait', or 'no'. */
function closeOf(b: string, from: number): number | 'wait' | 'no' {
  let j = from;
  while (j < b.length && isSpace(b[j])) j++;
  if (j >= b.length) return 'wait';
  return b[j] === '>' ? j : 'no';
}
