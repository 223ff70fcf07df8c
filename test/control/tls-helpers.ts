// Calls to the TLS API as go-fastly makes them (the Fastly CLI and the Terraform provider use
// it): JSON:API bodies under application/vnd.api+json, answers decoded as JSON.
import type { Api } from './helpers.ts';

export const JSONAPI = 'application/vnd.api+json';

export interface JsonApiReply {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: Record<string, unknown> & { data?: unknown; errors?: Array<{ title: string; detail: string; status: string }> };
  readonly text: string;
}

export async function jsonapi(api: Api, method: string, path: string, body?: unknown, token?: string): Promise<JsonApiReply> {
  const headers: Record<string, string> = { accept: JSONAPI, 'fastly-key': token ?? 'admin-secret-for-tests' };
  if (body !== undefined) headers['content-type'] = JSONAPI;
  const res = await fetch(`${api.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), body: text === '' ? {} : JSON.parse(text) as JsonApiReply['body'], text };
}

/** `{"errors":[…]}`'s first detail, with the status. */
export function refusal(r: JsonApiReply): [number, string | undefined] {
  return [r.status, r.body.errors?.[0]?.detail];
}

/** go-fastly's CreatePrivateKeyInput has no primary tag, so its type is "". */
export const keyBody = (key: string, name: string): unknown => ({ data: { type: '', attributes: { key, name } } });

export const certBody = (certBlob: string, name?: string, id?: string): unknown => ({
  data: { type: 'tls_certificate', ...(id === undefined ? {} : { id }), attributes: { cert_blob: certBlob, ...(name === undefined ? {} : { name }) } },
});

/** CreateTLSActivationInput as google/jsonapi marshals it: relationships, and the related objects again under `included`. */
export const activationBody = (certificateId: string, domain: string, configurationId?: string): unknown => ({
  data: {
    type: 'tls_activation',
    relationships: {
      tls_certificate: { data: { type: 'tls_certificate', id: certificateId } },
      ...(configurationId === undefined ? {} : { tls_configuration: { data: { type: 'tls_configuration', id: configurationId } } }),
      tls_domain: { data: { type: 'tls_domain', id: domain } },
    },
  },
  included: [
    { type: 'tls_certificate', id: certificateId, attributes: { issued_to: '', issuer: '', name: '', replace: false, serial_number: '', signature_algorithm: '' }, relationships: { tls_domains: { data: [] } } },
    { type: 'tls_domain', id: domain, relationships: { tls_activations: { data: [] }, tls_certificates: { data: [] }, tls_subscriptions: { data: [] } } },
  ],
});
