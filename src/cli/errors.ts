// The two ways a `lacquer` command fails, and the exit status each one means:
// 1 when the control API (or the way to it) refused, 2 when the command line was wrong.
// Commander's own parse errors (unknown option, missing required option) also exit 2.

export const EXIT = { ok: 0, api: 1, usage: 2 } as const;

/** The control API answered an error (`{"msg", "detail"}`), or could not be reached (status null). */
export class CliError extends Error {
  readonly status: number | null;
  readonly msg: string;
  readonly detail: string | null;
  /** Activation diagnostics, one `file:line:col severity code: message` each. */
  readonly errors: readonly string[];

  constructor(status: number | null, msg: string, detail: string | null, errors: readonly string[] = []) {
    super(detail === null ? msg : `${msg}: ${detail}`);
    this.name = 'CliError';
    this.status = status;
    this.msg = msg;
    this.detail = detail;
    this.errors = errors;
  }
}

/** The command line cannot be acted on (a missing service id, `--content` with `--file`, …). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The lines printed to stderr for a failed command. */
export function describeFailure(err: CliError | UsageError): string {
  if (err instanceof UsageError) return `error: ${err.message}\n`;
  const head = err.status === null ? `error: ${err.msg}` : `error: ${err.msg} (HTTP ${err.status})`;
  const lines = [head];
  // Activation failures repeat the diagnostics in `detail`; show them once.
  if (err.errors.length > 0) lines.push(...err.errors.map((e) => `  ${e}`));
  else if (err.detail !== null && err.detail !== '') lines.push(...err.detail.split('\n').map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}
