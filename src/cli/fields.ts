// Flags that set API fields. Each flag is the API field's name in kebab case
// (`first_byte_timeout` → `--first-byte-timeout`), as the Fastly CLI names its flags, and
// its value is sent as text in a form body, exactly as typed: the control API is the one
// place that validates (DESIGN.md §1), so its message reaches the user unchanged. (Before an
// --autoclone clone, preflight.ts runs the API's own rules on the version to be cloned.)
import { Option, type Command } from 'commander';
import type { FormBody } from './api-client.ts';
import type { Options } from './command.ts';

export interface FieldFlag {
  /** The API field (`connect_timeout`, `general.default_ttl`). */
  readonly field: string;
  readonly description: string;
  /**
   * `value` takes one argument; `bool` is `--x` (true), `--no-x` (false) or `--x=false`;
   * `list` repeats (`--header 'A: 1' --header 'B: 2'`) and is sent as a JSON array string.
   */
  readonly type?: 'value' | 'bool' | 'list';
  /** The flag when it differs from the field in kebab case (`--header` for `headers`). */
  readonly flag?: string;
}

export function flagName(f: FieldFlag): string {
  return f.flag ?? f.field.replace(/^general\./, '').replace(/_/g, '-');
}

function options(f: FieldFlag): Option[] {
  const name = flagName(f);
  switch (f.type ?? 'value') {
    case 'bool':
      return [new Option(`--${name} [bool]`, f.description), new Option(`--no-${name}`, `set ${f.field} to false`)];
    case 'list':
      return [new Option(`--${name} <value>`, `${f.description} (repeat for more; '' for none)`).argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v])];
    default:
      return [new Option(`--${name} <value>`, f.description)];
  }
}

export function addFieldOptions(cmd: Command, fields: readonly FieldFlag[]): Command {
  for (const f of fields) for (const o of options(f)) cmd.addOption(o);
  return cmd;
}

function attribute(f: FieldFlag): string {
  return new Option(`--${flagName(f)}`).attributeName();
}

/** The form fields for the flags given on the command line; flags not given are not sent. */
export function formFromOptions(opts: Options, fields: readonly FieldFlag[]): Record<string, string> {
  const form: Record<string, string> = {};
  for (const f of fields) {
    const v = opts[attribute(f)];
    if (v === undefined) continue;
    if (Array.isArray(v)) form[f.field] = JSON.stringify(v.filter((x) => x !== ''));
    else form[f.field] = String(v);
  }
  return form;
}

export function isEmpty(form: FormBody): boolean {
  return Object.keys(form).length === 0;
}
