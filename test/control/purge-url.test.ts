// `POST /purge/{cached_url}`: how the cached URL in the API path becomes the host and request
// target a client's request would have had.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachedUrl } from '../../src/control/api/purge.ts';
import { ApiError } from '../../src/control/errors.ts';

test('a cached URL is read with or without its scheme, its query string kept, its host lower-cased', () => {
  const cases: Array<[string, { domain: string; host: string; url: string }]> = [
    ['/purge/www.example.com/a/b.css', { domain: 'www.example.com', host: 'www.example.com', url: '/a/b.css' }],
    ['/purge/https://www.example.com/a?v=2&x', { domain: 'www.example.com', host: 'www.example.com', url: '/a?v=2&x' }],
    ['/purge/HTTP://WWW.Example.com', { domain: 'www.example.com', host: 'www.example.com', url: '/' }],
    ['/purge/www.example.com:8080/p', { domain: 'www.example.com', host: 'www.example.com:8080', url: '/p' }],
    ['/purge/www.example.com/a%20b', { domain: 'www.example.com', host: 'www.example.com', url: '/a%20b' }],
  ];
  for (const [path, expected] of cases) assert.deepEqual(cachedUrl(path), expected, path);
});

test('a cached URL without a host, or with credentials, is a 400 that names cached_url', () => {
  for (const path of ['/purge/', '/purge/https://', '/purge/user:pw@www.example.com/a']) {
    assert.throws(() => cachedUrl(path), (err: unknown) => err instanceof ApiError && err.status === 400 && /^cached_url: ".*" is not a URL like/.test(err.detail ?? ''), path);
  }
});
