// /tls/private_keys (Fastly: https://www.fastly.com/documentation/reference/api/tls/custom-certs/
// private-keys/). A key is uploaded once, answered with its metadata only, and never returned:
// no route, log line or error message carries its PEM. Only a key no certificate uses can be
// deleted, as Fastly documents.
import { ApiError } from '../errors.ts';
import type { RouteTable } from '../routes.ts';
import { newServiceId } from '../versions.ts';
import { booleanFilter, checkQuery, jsonApi, paginate, readData, stringAttribute } from '../tls/jsonapi.ts';
import { parsePrivateKey } from '../tls/pem.ts';
import { keyResource, readTlsRows, tlsNow } from '../tls/resources.ts';
import type { ControlDeps } from './deps.ts';

const TAG = 'tls';

export function registerTlsKeyRoutes(routes: RouteTable, deps: ControlDeps): void {
  const { store } = deps;

  routes.add({ method: 'POST', url: '/tls/private_keys', summary: 'Upload a TLS private key (answered with its metadata only)', tag: TAG, access: 'write' },
    jsonApi(async ({ body }) => {
      const data = readData(body, 'tls_private_key', ['key', 'name'], []);
      const pem = stringAttribute(data, 'key');
      if (pem === null) throw new ApiError('badRequest', 'data.attributes.key: required, a PEM private key');
      const parsed = parsePrivateKey('data.attributes.key', pem);
      const row = {
        id: newServiceId(), name: stringAttribute(data, 'name') ?? '', keyPem: parsed.keyPem, keyType: parsed.keyType,
        keyLength: parsed.keyLength, publicKeySha1: parsed.publicKeySha1, createdAt: tlsNow(),
      };
      await store.transaction(async (tx) => {
        const same = (await tx.listTlsPrivateKeys()).find((k) => k.publicKeySha1 === row.publicKeySha1);
        if (same !== undefined) throw new ApiError('duplicate', `data.attributes.key: this key was already uploaded as private key ${same.id}`);
        await tx.insertTlsPrivateKey(row);
        tx.publish({ type: 'tls' });
      });
      return { status: 201, doc: { data: keyResource(row) } };
    }));

  routes.add({ method: 'GET', url: '/tls/private_keys', summary: 'List TLS private keys (metadata)', tag: TAG, access: 'read' },
    jsonApi(async ({ query }) => {
      checkQuery(query, ['filter[in_use]']);
      const inUse = booleanFilter(query, 'filter[in_use]');
      const rows = await store.transaction(readTlsRows);
      const keys = rows.keys.filter((k) => inUse === null || rows.certificates.some((c) => c.publicKeySha1 === k.publicKeySha1) === inUse);
      const { page, links, meta } = paginate(query, '/tls/private_keys', keys);
      return { doc: { data: page.map(keyResource), links, meta } };
    }));

  routes.add({ method: 'GET', url: '/tls/private_keys/:id', summary: 'Describe a TLS private key (metadata)', tag: TAG, access: 'read' },
    jsonApi(async ({ params }) => {
      const key = (await store.transaction((tx) => tx.listTlsPrivateKeys())).find((k) => k.id === params.id);
      if (key === undefined) throw new ApiError('notFound', `no TLS private key with id ${params.id}`);
      return { doc: { data: keyResource(key) } };
    }));

  routes.add({ method: 'DELETE', url: '/tls/private_keys/:id', summary: 'Delete a TLS private key no certificate uses', tag: TAG, access: 'write' },
    jsonApi(async ({ params }) => {
      await store.transaction(async (tx) => {
        const rows = await readTlsRows(tx);
        const key = rows.keys.find((k) => k.id === params.id);
        if (key === undefined) throw new ApiError('notFound', `no TLS private key with id ${params.id}`);
        const users = rows.certificates.filter((c) => c.publicKeySha1 === key.publicKeySha1).map((c) => c.id);
        if (users.length > 0) throw new ApiError('inUse', `private key ${key.id} is the key of certificate ${users.join(', ')}; delete the certificate first`);
        await tx.deleteTlsPrivateKey(key.id);
        tx.publish({ type: 'tls' });
      });
      return {};
    }));
}
