import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { originForm } from './origin-form.js';
import { toRawRequest } from './pipeline.js';

test('originForm: absolute-form targets lose scheme and authority; origin-form ones are kept as they are', () => {
  const path = '/v20180820/configuration/publicAccessBlock';
  assert.equal(originForm(`http://111122223333.127.0.0.1:9000${path}`), path);
  assert.equal(originForm('http://127.0.0.1:9000/bucket/key?uploads'), '/bucket/key?uploads');
  assert.equal(originForm('HTTPS://[::1]:9000/b/k%20x?a=b'), '/b/k%20x?a=b');
  assert.equal(originForm('http://127.0.0.1:9000'), '/');
  assert.equal(originForm('http://127.0.0.1:9000?list-type=2'), '/?list-type=2');
  assert.equal(originForm('/bucket/http://not-a-target'), '/bucket/http://not-a-target');
  assert.equal(originForm('/'), '/');
  assert.equal(originForm('*'), '*');
});

test('a proxy-style request reaches the server: raw path and query without the authority, Host as sent', async () => {
  let seen: IncomingMessage | undefined;
  const server = createServer((req, res) => {
    seen = req;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    await new Promise<void>((resolve, reject) => {
      const host = `111122223333.127.0.0.1:${port}`;
      const target = `http://${host}/v20180820/x%2Fy?a=1`;
      const req = request({ host: '127.0.0.1', port, method: 'GET', path: target, headers: { host } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    const raw = toRawRequest(seen!);
    assert.equal(raw.rawPath, '/v20180820/x%2Fy');
    assert.equal(raw.rawQuery, 'a=1');
    assert.equal(raw.headers.host, `111122223333.127.0.0.1:${port}`);
  } finally {
    server.close();
  }
});
