// Strings built to break out of VCL string literals: pieces that end, open or escape a string in
// one of VCL's forms, characters that must never appear raw, and arbitrary text.
import fc from 'fast-check';

export const TRICKY = ['"', '"}', '{"', '"EOF}', '{EOF"', '"EOF1}', '%', '%22', '%0A', '%u0041', '%u{1F600}', '%%', '{', '}', ';', '\n', '\r',
  '\r\n', '\t', '\u202E', '\u2066', '\u200F', '\u061C', '\x1b', '\x7f', '\x85', '\u2028', '\uFEFF', '\\', ' ', 'a', 'é', '😀', '#FASTLY recv',
  'sub inj { }', '\0', '\uD800', '\uDC00'];

export const hostile: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.array(fc.constantFrom(...TRICKY), { maxLength: 12 }).map((parts) => parts.join('')),
  fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 10 }).map((parts) => parts.join('')),
);
