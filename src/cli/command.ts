// The shared shape of every API-backed `lacquer` command: connection flags, --json, the
// service and version a command acts on, and one place that turns failures into stderr text
// and an exit status (errors.ts). Commands are declared with commander (DESIGN.md §3).
import type { Command } from 'commander';
import { ApiClient } from './api-client.ts';
import { resolveConfig } from './config.ts';
import { CliError, describeFailure, EXIT, UsageError } from './errors.ts';
import { Output } from './output.ts';
import { editableVersion, resolveServiceId, resolveVersion, type VersionRef } from './target.ts';

export type Options = Readonly<Record<string, unknown>>;

export interface CommandContext {
  readonly client: ApiClient;
  readonly out: Output;
  readonly opts: Options;
  /** The service from -s/--service-id, --service-name or LACQUER_SERVICE_ID. */
  serviceId(): Promise<string>;
  /** The version named by --version, for reading. */
  version(serviceId: string): Promise<VersionRef>;
  /**
   * The version named by --version, cloned first when --autoclone is given and it is not
   * editable; `preflight` checks the edit against the version to clone before cloning it.
   */
  editableVersion(serviceId: string, preflight?: (source: number) => Promise<void>): Promise<number>;
}

export interface CommandFeatures {
  /** Takes -s/--service-id and --service-name. */
  readonly service?: boolean;
  /** Takes --version; `write` also takes --autoclone. */
  readonly version?: 'read' | 'write';
  /** Runs when the parent noun is given without a verb (`lacquer health`). */
  readonly isDefault?: boolean;
}

/** A leaf command that talks to the control API. */
export function apiCommand(parent: Command, name: string, description: string, features: CommandFeatures = {}): Command {
  const cmd = parent.command(name, { isDefault: features.isDefault === true }).description(description);
  if (features.service === true) {
    cmd.option('-s, --service-id <id>', 'service ID (falls back to LACQUER_SERVICE_ID)');
    cmd.option('--service-name <name>', 'the service\'s name, looked up instead of --service-id');
  }
  if (features.version !== undefined) {
    cmd.option('--version <version>', 'a version number, "latest" or "active"', 'latest');
  }
  if (features.version === 'write') {
    cmd.option('--autoclone', 'if the version is active or locked, clone it and use the clone');
  }
  cmd.option('-j, --json', 'print the API\'s JSON instead of a table');
  cmd.option('--api-url <url>', 'control API URL (falls back to LACQUER_API_URL, the config file, then http://127.0.0.1:8081)');
  cmd.option('--token <token>', 'API token (falls back to LACQUER_API_TOKEN, the config file, then ./data/admin-token for a local API)');
  return cmd;
}

function text(opts: Options, key: string): string | undefined {
  const v = opts[key];
  return typeof v === 'string' ? v : undefined;
}

/** Sets the command's action; CliError exits 1 and UsageError exits 2, each with its message on stderr. */
export function run(cmd: Command, action: (ctx: CommandContext) => Promise<void>): Command {
  return cmd.action(async () => {
    const opts = cmd.opts<Record<string, unknown>>();
    const out = new Output(opts.json === true);
    let cloned: { from: number; to: number } | null = null;
    try {
      const config = resolveConfig({ apiUrl: text(opts, 'apiUrl'), token: text(opts, 'token') });
      const client = new ApiClient({ baseUrl: config.apiUrl, token: config.token });
      const versionSpec = text(opts, 'version') ?? 'latest';
      await action({
        client, out, opts,
        serviceId: () => resolveServiceId(client, { serviceId: text(opts, 'serviceId'), serviceName: text(opts, 'serviceName') }),
        version: (sid) => resolveVersion(client, sid, versionSpec),
        editableVersion: (sid, preflight) => editableVersion(client, sid, versionSpec, opts.autoclone === true, out, preflight, (from, to) => { cloned = { from, to }; }),
      });
    } catch (err) {
      if (!(err instanceof CliError) && !(err instanceof UsageError)) throw err;
      process.stderr.write(describeFailure(err));
      // What the preflight could not foresee failed after the clone: say what was left.
      const left = cloned as { from: number; to: number } | null;
      if (left !== null) process.stderr.write(`note: --autoclone created version ${left.to}, an unchanged copy of version ${left.from}; edit it with --version ${left.to}\n`);
      process.exitCode = err instanceof UsageError ? EXIT.usage : EXIT.api;
    }
  });
}
