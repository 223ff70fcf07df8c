// `lacquer tls private-key|certificate|activation|domain …` (docs/api.md, TLS): the TLS API with
// the Fastly CLI's `tls-custom` verbs and flag names (create/list/describe/update/delete; an
// activation is `enable`d and `disable`d, with create/delete as aliases). A certificate within
// 30 days of expiry is flagged in the list and warned about on stderr (src/model/tls-expiry.ts).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { apiPath } from '../api-client.ts';
import { apiCommand, run, type Options } from '../command.ts';
import { UsageError } from '../errors.ts';
import { expiryWarning } from '../../model/tls-expiry.ts';

interface Resource {
  id: string;
  type: string;
  attributes?: Record<string, unknown>;
  relationships?: Record<string, { data: { id: string } | Array<{ id: string }> | null }>;
}
interface Doc { data: Resource | Resource[] }

/** A resource as one flat record: its id, attributes, and each relationship's id(s). */
function flat(r: Resource): Record<string, unknown> {
  const out: Record<string, unknown> = { id: r.id, ...r.attributes };
  for (const [name, rel] of Object.entries(r.relationships ?? {})) {
    out[name] = Array.isArray(rel.data) ? rel.data.map((d) => d.id) : rel.data?.id ?? null;
  }
  return out;
}

const many = (doc: Doc): Record<string, unknown>[] => (Array.isArray(doc.data) ? doc.data : [doc.data]).map(flat);
const single = (doc: Doc): Record<string, unknown> => many(doc)[0];

function text(opts: Options, key: string): string | undefined {
  const v = opts[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `--<name>` or the file `--<name>-path` names (the Fastly CLI's pair); they exclude each other. */
function inlineOrFile(opts: Options, inline: string, path: string, flag: string): string | undefined {
  const value = text(opts, inline);
  const file = text(opts, path);
  if (value !== undefined && file !== undefined) throw new UsageError(`--${flag} and --${flag}-path exclude each other`);
  if (file === undefined) return value;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag}-path ${file}: ${(err as Error).message}`);
  }
}

function listQuery(opts: Options, filters: Record<string, string>): string {
  const q = new URLSearchParams();
  for (const [flag, param] of Object.entries(filters)) {
    const v = text(opts, flag);
    if (v !== undefined) q.set(param, v);
  }
  if (text(opts, 'page') !== undefined) q.set('page[number]', text(opts, 'page') as string);
  if (text(opts, 'perPage') !== undefined) q.set('page[size]', text(opts, 'perPage') as string);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

const paging = (cmd: Command): Command => cmd.option('--page <n>', 'page number').option('--per-page <n>', 'records per page (1-100)');

const resource = (type: string, attributes: Record<string, unknown>, relationships: Record<string, { data: { type: string; id: string } }> = {}): unknown =>
  ({ data: { type, attributes, relationships } });

function registerPrivateKey(tls: Command): void {
  const noun = tls.command('private-key').description('upload and manage TLS private keys (never shown again once uploaded)');
  run(apiCommand(noun, 'create', 'upload a private key (PEM, unencrypted)').alias('add')
    .option('--key <pem>', 'the PEM key itself').option('--key-path <file>', 'a file holding the PEM key').requiredOption('--name <name>', 'a name for the key'),
  async (ctx) => {
    const key = inlineOrFile(ctx.opts, 'key', 'keyPath', 'key');
    if (key === undefined) throw new UsageError('give --key or --key-path');
    const doc = await ctx.client.post<Doc>('/tls/private_keys', { json: resource('tls_private_key', { key, name: text(ctx.opts, 'name') }) });
    ctx.out.done(`Created TLS private key ${single(doc).id} (${single(doc).key_type} ${single(doc).key_length})`, doc);
  });
  run(paging(apiCommand(noun, 'list', 'list private keys (metadata only)').option('--filter-in-use <bool>', 'false: only keys no certificate uses')), async (ctx) => {
    const doc = await ctx.client.get<Doc>(`/tls/private_keys${listQuery(ctx.opts, { filterInUse: 'filter[in_use]' })}`);
    if (ctx.out.json) return ctx.out.done('', doc);
    ctx.out.list(many(doc), [{ header: 'ID', value: 'id' }, { header: 'NAME', value: 'name' }, { header: 'TYPE', value: 'key_type' },
      { header: 'LENGTH', value: 'key_length' }, { header: 'CREATED', value: 'created_at' }]);
  });
  run(apiCommand(noun, 'describe', 'show a private key\'s metadata').requiredOption('--id <id>', 'the key\'s id'), async (ctx) => {
    const doc = await ctx.client.get<Doc>(apiPath('tls', 'private_keys', text(ctx.opts, 'id') as string));
    if (ctx.out.json) return ctx.out.done('', doc);
    ctx.out.record(single(doc));
  });
  run(apiCommand(noun, 'delete', 'delete a private key no certificate uses').alias('remove').requiredOption('--id <id>', 'the key\'s id'), async (ctx) => {
    const id = text(ctx.opts, 'id') as string;
    await ctx.client.delete(apiPath('tls', 'private_keys', id));
    ctx.out.done(`Deleted TLS private key ${id}`, { id });
  });
}

function warnExpiring(ctx: { out: { notice(m: string): void } }, certs: readonly Record<string, unknown>[]): void {
  for (const c of certs) {
    const warning = expiryWarning(String(c.not_after));
    if (warning !== null) ctx.out.notice(`warning: certificate ${String(c.id)} (${String(c.name)}) ${warning}; upload a renewed one with \`lacquer tls certificate update --id ${String(c.id)}\``);
  }
}

function registerCertificate(tls: Command): void {
  const noun = tls.command('certificate').description('upload and manage TLS certificates');
  const blobOptions = (cmd: Command): Command => cmd.option('--cert-blob <pem>', 'the PEM certificate, intermediates after it')
    .option('--cert-path <file>', 'a file holding the PEM certificate and intermediates').option('--name <name>', 'a name (default: its Common Name or first SAN)');
  run(blobOptions(apiCommand(noun, 'create', 'upload a certificate (its private key first)').alias('add')), async (ctx) => {
    const blob = inlineOrFile(ctx.opts, 'certBlob', 'certPath', 'cert');
    if (blob === undefined) throw new UsageError('give --cert-blob or --cert-path');
    const doc = await ctx.client.post<Doc>('/tls/certificates', { json: resource('tls_certificate', { cert_blob: blob, name: text(ctx.opts, 'name') }) });
    const c = single(doc);
    ctx.out.done(`Created TLS certificate ${String(c.id)} for ${(c.tls_domains as string[]).join(', ')}, valid until ${String(c.not_after)}`, doc);
    if (!ctx.out.json) warnExpiring(ctx, [c]);
  });
  run(paging(apiCommand(noun, 'list', 'list certificates, flagging those within 30 days of expiry')
    .option('--filter-domain <domain>', 'only certificates naming this domain')
    .option('--filter-not-after <date>', 'only certificates expiring before this date (UTC)')
    .option('--filter-in-use <bool>', 'true: only certificates an activation uses')
    .option('--sort <field>', 'created_at, not_before or not_after, - before it to reverse')), async (ctx) => {
    const doc = await ctx.client.get<Doc>(`/tls/certificates${listQuery(ctx.opts, {
      filterDomain: 'filter[tls_domains.id]', filterNotAfter: 'filter[not_after]', filterInUse: 'filter[in_use]', sort: 'sort',
    })}`);
    const certs = many(doc);
    if (ctx.out.json) return ctx.out.done('', doc);
    ctx.out.list(certs, [{ header: 'ID', value: 'id' }, { header: 'NAME', value: 'name' }, { header: 'DOMAINS', value: 'tls_domains' },
      { header: 'NOT AFTER', value: 'not_after' }, { header: 'EXPIRY', value: (c) => expiryWarning(String(c.not_after)) ?? 'ok' }]);
    warnExpiring(ctx, certs);
  });
  run(apiCommand(noun, 'describe', 'show a certificate').requiredOption('--id <id>', 'the certificate\'s id'), async (ctx) => {
    const doc = await ctx.client.get<Doc>(apiPath('tls', 'certificates', text(ctx.opts, 'id') as string));
    if (ctx.out.json) return ctx.out.done('', doc);
    ctx.out.record(single(doc));
    warnExpiring(ctx, [single(doc)]);
  });
  run(blobOptions(apiCommand(noun, 'update', 'replace a certificate with a reissued one (same domains or more), or rename it')
    .requiredOption('--id <id>', 'the certificate\'s id')), async (ctx) => {
    const id = text(ctx.opts, 'id') as string;
    const blob = inlineOrFile(ctx.opts, 'certBlob', 'certPath', 'cert');
    if (blob === undefined && text(ctx.opts, 'name') === undefined) throw new UsageError('give --cert-blob, --cert-path or --name');
    const doc = await ctx.client.patch<Doc>(apiPath('tls', 'certificates', id), { json: resource('tls_certificate', { cert_blob: blob, name: text(ctx.opts, 'name') }) });
    ctx.out.done(`Updated TLS certificate ${id}, valid until ${String(single(doc).not_after)}`, doc);
  });
  run(apiCommand(noun, 'delete', 'delete a certificate no activation uses').alias('remove').requiredOption('--id <id>', 'the certificate\'s id'), async (ctx) => {
    const id = text(ctx.opts, 'id') as string;
    await ctx.client.delete(apiPath('tls', 'certificates', id));
    ctx.out.done(`Deleted TLS certificate ${id}`, { id });
  });
}

function registerActivation(tls: Command): void {
  const noun = tls.command('activation').description('serve domains over HTTPS with a certificate');
  const certRef = (ctx: { opts: Options }): Record<string, { data: { type: string; id: string } }> =>
    ({ tls_certificate: { data: { type: 'tls_certificate', id: text(ctx.opts, 'certId') as string } } });
  run(apiCommand(noun, 'enable', 'serve a domain with a certificate (a wildcard certificate: activate its *.name)').aliases(['create', 'add'])
    .requiredOption('--cert-id <id>', 'the certificate').requiredOption('--tls-domain <domain>', 'the domain, one of the certificate\'s SANs')
    .option('--tls-config-id <id>', 'the TLS configuration (lacquer has one: default)', 'default'), async (ctx) => {
    const domain = text(ctx.opts, 'tlsDomain') as string;
    const doc = await ctx.client.post<Doc>('/tls/activations', { json: resource('tls_activation', {}, {
      ...certRef(ctx), tls_domain: { data: { type: 'tls_domain', id: domain } },
      tls_configuration: { data: { type: 'tls_configuration', id: text(ctx.opts, 'tlsConfigId') as string } },
    }) });
    ctx.out.done(`Enabled TLS activation ${single(doc).id}: ${domain} is served with certificate ${String(text(ctx.opts, 'certId'))}`, doc);
  });
  run(paging(apiCommand(noun, 'list', 'list activations: which domain is served with which certificate')
    .option('--filter-cert <id>', 'only this certificate\'s').option('--filter-domain <domain>', 'only this domain\'s')
    .option('--filter-config <id>', 'only this configuration\'s')), async (ctx) => {
    const doc = await ctx.client.get<Doc>(`/tls/activations${listQuery(ctx.opts, {
      filterCert: 'filter[tls_certificate.id]', filterDomain: 'filter[tls_domain.id]', filterConfig: 'filter[tls_configuration.id]',
    })}`);
    if (ctx.out.json) return ctx.out.done('', doc);
    ctx.out.list(many(doc), [{ header: 'ID', value: 'id' }, { header: 'DOMAIN', value: 'tls_domain' }, { header: 'CERTIFICATE', value: 'tls_certificate' },
      { header: 'CREATED', value: 'created_at' }]);
  });
  run(apiCommand(noun, 'describe', 'show an activation').requiredOption('--id <id>', 'the activation\'s id'), async (ctx) => {
    const doc = await ctx.client.get<Doc>(apiPath('tls', 'activations', text(ctx.opts, 'id') as string));
    if (ctx.out.json) return ctx.out.done('', doc);
    ctx.out.record(single(doc));
  });
  run(apiCommand(noun, 'update', 'serve an activated domain with another certificate')
    .requiredOption('--id <id>', 'the activation\'s id').requiredOption('--cert-id <id>', 'the new certificate'), async (ctx) => {
    const id = text(ctx.opts, 'id') as string;
    const doc = await ctx.client.patch<Doc>(apiPath('tls', 'activations', id), { json: resource('tls_activation', {}, certRef(ctx)) });
    ctx.out.done(`Updated TLS activation ${id}: ${String(single(doc).tls_domain)} is served with certificate ${String(text(ctx.opts, 'certId'))}`, doc);
  });
  run(apiCommand(noun, 'disable', 'stop serving a domain over HTTPS').aliases(['delete', 'remove']).requiredOption('--id <id>', 'the activation\'s id'), async (ctx) => {
    const id = text(ctx.opts, 'id') as string;
    await ctx.client.delete(apiPath('tls', 'activations', id));
    ctx.out.done(`Disabled TLS activation ${id}`, { id });
  });
}

export function registerTls(program: Command): Command {
  const tls = program.command('tls').description('custom TLS certificates: private keys, certificates, activations, domains (Fastly\'s tls-custom)');
  registerPrivateKey(tls);
  registerCertificate(tls);
  registerActivation(tls);
  const domain = tls.command('domain').description('the domains named by uploaded certificates');
  run(paging(apiCommand(domain, 'list', 'list TLS domains and what serves them')
    .option('--filter-cert <id>', 'only this certificate\'s').option('--filter-in-use <bool>', 'true: only activated domains')), async (ctx) => {
    const doc = await ctx.client.get<Doc>(`/tls/domains${listQuery(ctx.opts, { filterCert: 'filter[tls_certificates.id]', filterInUse: 'filter[in_use]' })}`);
    if (ctx.out.json) return ctx.out.done('', doc);
    ctx.out.list(many(doc), [{ header: 'DOMAIN', value: 'id' }, { header: 'CERTIFICATES', value: 'tls_certificates' }, { header: 'ACTIVATIONS', value: 'tls_activations' }]);
  });
  return tls;
}
