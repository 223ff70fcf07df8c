// The part of docs/vcl.md generated from the language definition: which of Fastly's variables
// and functions lacquer runs, the ones with fixed values and why, and the ones it does not run
// and why. `node scripts/vcl-reference.ts` writes it between the markers; a test fails when the
// doc and the definition differ (test/vcl/language/reference.test.ts).
import { FUNCTIONS } from './functions.ts';
import { isRun, VARIABLES } from './variables.ts';
import { UNSUPPORTED_REASONS, unsupportedReason } from './unsupported.ts';

export const BEGIN = '<!-- generated from src/vcl/language by scripts/vcl-reference.ts: do not edit by hand -->';
export const END = '<!-- end of generated section -->';

/** Values lacquer gives variables that only mean something on Fastly's network. */
export const FIXED_VALUES: readonly { readonly names: string; readonly value: string }[] = [
  { names: '`fastly.ddos_detected`', value: 'false: Fastly\'s network-wide attack detection has no counterpart.' },
  { names: '`fastly.is_staging`', value: 'false: there is no staging network.' },
  { names: '`client.identified`, `client.class.*`, `client.platform.*` (BOOL), `client.display.touchscreen`', value: 'false: lacquer has no device database, so no client is identified.' },
  { names: '`client.platform.hwtype`, `client.platform.model`, `client.platform.vendor`, `client.os.*`, `client.browser.*`, `client.bot.name`', value: 'not set, for the same reason.' },
  { names: '`h3.alt_svc()`', value: 'does nothing: lacquer has no HTTP/3 listener to advertise.' },
  { names: '`req.vcl.generation`', value: '1, plus one for each purge all this node applied to the service.' },
  { names: '`req.max_stale_if_error`, `req.grace`, `req.max_stale_while_revalidate`', value: 'start at 365d, so the object\'s own stale windows decide until VCL lowers them.' },
  { names: '`time.*.usec`, `time.*.usec_frac`', value: 'count microseconds from a millisecond clock: the last three digits are 0.' },
];

const list = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');

function unsupportedSection(names: readonly string[]): string[] {
  const out: string[] = [];
  const groups = new Map<string, string[]>();
  for (const n of names) {
    const reason = unsupportedReason(n.replace(/\(\)$/, '')) ?? 'Not implemented yet.';
    groups.set(reason, [...(groups.get(reason) ?? []), n]);
  }
  const order = [...UNSUPPORTED_REASONS.map((r) => r.reason), 'Not implemented yet.'];
  for (const reason of order) {
    const group = groups.get(reason);
    if (group !== undefined) out.push(`- ${reason} ${list(group)}`);
  }
  return out;
}

/** The generated markdown, markers included. */
export function languageReference(): string {
  const vars = VARIABLES.filter(isRun).map((v) => v.name);
  const fns = FUNCTIONS.filter((f) => f.impl !== undefined).map((f) => f.name);
  const notVars = VARIABLES.filter((v) => !isRun(v)).map((v) => v.name);
  const notFns = FUNCTIONS.filter((f) => f.impl === undefined).map((f) => `${f.name}()`);
  return [
    BEGIN,
    '### Variables lacquer runs',
    '',
    'Every variable Fastly documents is known to lacquer, with its type and the subroutines that may',
    'read, set or unset it (Fastly\'s rule; `src/vcl/language/variables.ts` holds the table). lacquer runs',
    'these; any other Fastly variable is reported by name as `lacquer/unsupported`, never silently',
    'ignored, and a name Fastly does not have is `var/unknown`. In the names, `{header}` is any header',
    'name (with an optional `:subfield`), `{name}` a declared backend or director, `{N}` a regex group',
    'number and `{local}` a `declare local` name; a custom subroutine may do what every `vcl_`',
    'subroutine that calls it may do. `stale.exists` is non-NULL while a stale copy is at hand, so',
    '`if (stale.exists) { return(deliver_stale); }` works as in Fastly\'s serve-stale examples.',
    '',
    list(vars),
    '',
    '### Functions lacquer runs',
    '',
    'Every function Fastly documents is known to lacquer with its signature',
    '(`src/vcl/language/functions.ts`); lacquer runs these, any other Fastly function is',
    '`lacquer/unsupported`, and a name Fastly does not have is `fn/unknown`.',
    '',
    list(fns),
    '',
    '`test/vcl/language/docs.test.ts` keeps both lists equal to what the language definition runs.',
    '',
    '### Fixed values',
    '',
    'Some variables only mean something on Fastly\'s own network. lacquer runs them with these values,',
    'so VCL written for Fastly keeps working:',
    '',
    ...FIXED_VALUES.map((f) => `- ${f.names}: ${f.value}`),
    '',
    '### Not supported, and why',
    '',
    'Each of these is checked (its type, where it may be used) and refused with `lacquer/unsupported`:',
    '',
    ...unsupportedSection([...notVars, ...notFns]),
    END,
  ].join('\n');
}

/** `doc` with its generated section replaced by the current one. */
export function withReference(doc: string): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`docs/vcl.md has no generated section (${BEGIN} … ${END})`);
  return doc.slice(0, begin) + languageReference() + doc.slice(end + END.length);
}
