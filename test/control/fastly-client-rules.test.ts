// The official `fastly` JS client (v13), unchanged, on response objects, gzip and request
// settings, and what the edge then does. What v13 sends is fixed by Fastly's OpenAPI
// description, from which every official client is generated (node_modules/fastly/dist/api/):
// - ResponseObjectApi sends JSON (`application/json`), the fields nested under the option
//   `create_response_object_request`; fields given beside it are not sent at all.
// - GzipApi and updateRequestSettings send a form body with the fields by their own names.
// - createRequestSettings sends a form body with no fields whatever the options hold: Fastly's
//   description declares none for that call. lacquer answers it 400 `name: is required`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpOrigin } from '../edge/helpers.ts';
import { startEdgeStack, TOKEN } from '../integration/harness.ts';
import { fastlyClient } from '../support/fastly-client.ts';

test('the fastly JS client v13 manages response objects, gzip and request settings, and the edge serves them', async (t) => {
  const lq = await startEdgeStack(t);
  const { port } = await httpOrigin(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<p>origin ${req.url ?? ''}</p>`.repeat(20));
  });
  const fastly = fastlyClient(t, lq.apiUrl, TOKEN);
  const sid = (await fastly('ServiceApi').createService({ name: 'js-rules' })).id as string;
  const v = { service_id: sid, version_id: 1 };
  await fastly('DomainApi').createDomain({ ...v, name: 'rules.example' });
  await fastly('BackendApi').createBackend({ ...v, name: 'origin', address: '127.0.0.1', port });
  await fastly('ConditionApi').createCondition({ ...v, name: 'is_old', statement: 'req.url ~ "^/old/"', type: 'REQUEST' });
  await fastly('ConditionApi').createCondition({ ...v, name: 'is_api', statement: 'req.url ~ "^/api/"', type: 'REQUEST' });

  const responses = fastly('ResponseObjectApi');
  const gone = await responses.createResponseObject({ ...v, create_response_object_request: {
    name: 'gone', status: '410', response: 'Gone', content: 'moved away', content_type: 'text/plain', request_condition: 'is_old',
  } });
  assert.deepEqual([gone.name, gone.status, gone.response, gone.request_condition], ['gone', '410', 'Gone', 'is_old']);
  const rewritten = await responses.updateResponseObject({ ...v, response_object_name: 'gone', create_response_object_request: { content: 'gone for good' } });
  assert.equal(rewritten.content, 'gone for good');
  // Fields beside the nested object are not sent: the body is {} and the name is missing.
  await assert.rejects(responses.createResponseObject({ ...v, name: 'flat', status: '404' }),
    (err: { status?: number; response?: { text?: string } }) => err.status === 400 && err.response?.text === '{"msg":"Bad request","detail":"name: is required"}');

  const gzips = fastly('GzipApi');
  const gz = await gzips.createGzipConfig({ ...v, name: 'html', content_types: 'text/html', extensions: 'html' });
  assert.deepEqual([gz.name, gz.content_types, gz.extensions], ['html', 'text/html', 'html']);
  assert.deepEqual((await gzips.listGzipConfigs(v)).map((g) => g.name), ['html']);

  const settings = fastly('RequestSettingsApi');
  await assert.rejects(settings.createRequestSettings({ ...v, name: 'api-pass', action: 'pass' }),
    (err: { status?: number; response?: { text?: string } }) => err.status === 400 && err.response?.text === '{"msg":"Bad request","detail":"name: is required"}');
  assert.deepEqual(await settings.listRequestSettings(v), []);
  // Made by any other client, request settings are then read, updated and deleted by this one.
  await lq.apiOk('POST', `/service/${sid}/version/1/request_settings`, { name: 'api' });
  const updated = await settings.updateRequestSettings({ ...v, request_settings_name: 'api', action: 'pass', request_condition: 'is_api' });
  assert.deepEqual([updated.action, updated.request_condition, updated.xff], ['pass', 'is_api', 'append']);
  assert.equal((await settings.getRequestSettings({ ...v, request_settings_name: 'api' })).action, 'pass');

  await fastly('VersionApi').activateServiceVersion(v);
  const old = await lq.edge('rules.example', { path: '/old/page' });
  assert.deepEqual([old.statusLine, old.body], ['HTTP/1.1 410 Gone', 'gone for good']);
  const page = await lq.edge('rules.example', { path: '/a.html', headers: { 'accept-encoding': 'gzip' } });
  assert.deepEqual([page.status, page.headers['content-encoding']], [200, 'gzip']);
  await lq.edge('rules.example', { path: '/api/x' });
  assert.equal((await lq.edge('rules.example', { path: '/api/x' })).headers['x-cache'], 'PASS');
  assert.equal((await lq.edge('rules.example', { path: '/b.html' })).headers['x-cache'], 'MISS');

  const v2 = { service_id: sid, version_id: (await fastly('VersionApi').cloneServiceVersion(v)).number };
  await settings.deleteRequestSettings({ ...v2, request_settings_name: 'api' });
  await gzips.deleteGzipConfig({ ...v2, gzip_name: 'html' });
  await responses.deleteResponseObject({ ...v2, response_object_name: 'gone' });
  assert.deepEqual([await settings.listRequestSettings(v2), await gzips.listGzipConfigs(v2), await responses.listResponseObjects(v2)], [[], [], []]);
});
