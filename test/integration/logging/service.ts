// A service with one origin and the given objects (logging endpoints, conditions), created
// and activated through the API as the Terraform provider does.
import { httpOrigin } from '../../edge/helpers.ts';
import type { Lacquer } from '../harness.ts';

export async function loggedService(t: Parameters<typeof httpOrigin>[0], lq: Lacquer, domain: string, objects: Array<[string, Record<string, unknown>]>): Promise<string> {
  const { port } = await httpOrigin(t, (req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(`body of ${req.url ?? ''}`); });
  const { id } = await lq.apiOk('POST', '/service', { name: domain }) as { id: string };
  await lq.apiOk('POST', `/service/${id}/version/1/domain`, { name: domain });
  await lq.apiOk('POST', `/service/${id}/version/1/backend`, { name: 'web', address: '127.0.0.1', port });
  for (const [path, body] of objects) await lq.apiOk('POST', `/service/${id}/version/1/${path}`, body);
  await lq.activate(id, 1);
  return id;
}
