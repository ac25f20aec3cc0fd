/**
 * The console's server side over HTTP, as a browser speaks to it (no browser here: console.test.ts
 * drives one): sign-in and its refusals, the session cookie, CSRF, the API calls made as the
 * signed-in principal (audited as such), a forced password change, throttling, and a bucket named
 * `console` still reached by signed requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { awsCli, startServer, type TestServer } from './harness.js';

const ROOT_PASSWORD = 'Root-Console-Pass-2!';

interface Browserish {
  cookie: string;
  csrf: string;
}

describe('console server side', () => {
  let server: TestServer;
  let accountId = '';

  const signIn = async (body: Record<string, string>) => {
    const res = await fetch(`${server.endpoint}/console/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      res,
      json: (await res.json()) as Record<string, unknown>,
      cookie: (res.headers.get('set-cookie') ?? '').split(';')[0],
    };
  };
  const session = async (cookie: string) => {
    const res = await fetch(`${server.endpoint}/console/session`, { headers: { cookie } });
    return { res, json: (await res.json()) as Record<string, unknown> };
  };
  const browser = async (body: Record<string, string>): Promise<Browserish> => {
    const { cookie } = await signIn(body);
    const { json } = await session(cookie);
    return { cookie, csrf: String(json.csrf) };
  };
  const iam = (b: Browserish, params: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.endpoint}/console/api/iam/`, {
      method: 'POST',
      headers: {
        cookie: b.cookie,
        'x-strongbox-csrf': b.csrf,
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
    });

  before(async () => {
    server = await startServer({ env: { STRONGBOX_ROOT_PASSWORD: ROOT_PASSWORD } });
    accountId = JSON.parse((await awsCli(server, ['sts', 'get-caller-identity'])).stdout).Account as string;
  });
  after(async () => server?.stop());

  it('serves the console page with a strict content security policy', async () => {
    const res = await fetch(`${server.endpoint}/console/`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.match(await res.text(), /<script type="module" src="assets\/main-[\w-]+\.js">/);
  });

  it('loads under 300 KB of compressed JavaScript at first (sections load when opened)', async () => {
    const html = await (await fetch(`${server.endpoint}/console/`)).text();
    const entry = /src="(assets\/main-[\w-]+\.js)"/.exec(html)?.[1];
    assert.ok(entry);
    const seen = new Set<string>();
    let gzipped = 0;
    const visit = async (path: string): Promise<void> => {
      if (seen.has(path)) return;
      seen.add(path);
      const res = await fetch(`${server.endpoint}/console/${path}`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(res.headers.get('content-encoding'), 'gzip');
      gzipped += Number(res.headers.get('content-length'));
      // Static imports only (`from"./chunk.js"`); `import("./iam.js")` is loaded later.
      for (const m of (await res.text()).matchAll(/from\s*"\.\/([\w-]+\.js)"/g)) await visit(`assets/${m[1]}`);
    };
    await visit(entry);
    assert.ok(gzipped < 300 * 1024, `first load: ${gzipped} bytes of gzipped JavaScript`);
    assert.ok(seen.size >= 1);
  });

  it('signs the root user in; the API calls it makes are the root user’s, audited as such', async () => {
    const wrong = await signIn({ account: accountId, password: 'nope' });
    assert.equal(wrong.res.status, 401);
    assert.equal(wrong.json.code, 'InvalidCredentials');
    const { res, cookie } = await signIn({ account: accountId, password: ROOT_PASSWORD });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
    const s = await session(cookie);
    assert.equal(s.json.kind, 'Root');
    assert.equal(s.json.arn, `arn:aws:iam::${accountId}:root`);
    const b = { cookie, csrf: String(s.json.csrf) };
    const created = await iam(b, { Action: 'CreateUser', UserName: 'bob' });
    assert.equal(created.status, 200, await created.clone().text());
    assert.match(await created.text(), /<UserName>bob<\/UserName>/);
    const events = await awsCli(server, [
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      'AttributeKey=EventName,AttributeValue=CreateUser',
    ]);
    const event = JSON.parse(JSON.parse(events.stdout).Events[0].CloudTrailEvent) as {
      userIdentity: { type: string; accessKeyId: string };
      sourceIPAddress: string;
    };
    assert.equal(event.userIdentity.type, 'Root');
    assert.match(event.userIdentity.accessKeyId, /^ASIA/);
    assert.equal(event.sourceIPAddress, '127.0.0.1');
    // The sign-ins themselves: CloudTrail's ConsoleLogin, the failure and the success.
    const logins = await awsCli(server, [
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      'AttributeKey=EventName,AttributeValue=ConsoleLogin',
    ]);
    const found = (JSON.parse(logins.stdout).Events as { CloudTrailEvent: string }[]).map((e) =>
      JSON.parse(e.CloudTrailEvent),
    );
    assert.deepEqual(found.map((e) => e.responseElements.ConsoleLogin).sort(), ['Failure', 'Success']);
    for (const e of found) {
      assert.equal(e.eventSource, 'signin.amazonaws.com');
      assert.equal(e.eventType, 'AwsConsoleSignIn');
      assert.equal(e.userIdentity.type, 'Root');
      assert.equal(e.additionalEventData.MFAUsed, 'No');
    }
    assert.equal(
      found.find((e) => e.responseElements.ConsoleLogin === 'Failure').errorMessage,
      'Failed authentication',
    );
  });

  it('refuses API calls without the CSRF token, with a tampered cookie, and after sign-out', async () => {
    const b = await browser({ account: accountId, password: ROOT_PASSWORD });
    assert.equal((await iam({ ...b, csrf: 'x'.repeat(b.csrf.length) }, { Action: 'ListUsers' })).status, 403);
    const at = b.cookie.indexOf('=') + 20;
    const tampered = b.cookie.slice(0, at) + (b.cookie[at] === 'A' ? 'B' : 'A') + b.cookie.slice(at + 1);
    assert.equal((await iam({ ...b, cookie: tampered }, { Action: 'ListUsers' })).status, 401);
    assert.equal(
      (await iam({ ...b, cookie: `${b.cookie}%E0%A4%A` }, { Action: 'ListUsers' })).status,
      401,
      'malformed escapes',
    );
    const out = await fetch(`${server.endpoint}/console/signout`, { method: 'POST', headers: { cookie: b.cookie } });
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  });

  it('makes a user whose password must be reset change it first, through iam:ChangePassword', async () => {
    const root = await browser({ account: accountId, password: ROOT_PASSWORD });
    await iam(root, { Action: 'CreateUser', UserName: 'carol' });
    const made = await iam(root, {
      Action: 'CreateLoginProfile',
      UserName: 'carol',
      Password: 'Carol-Start-1!',
      PasswordResetRequired: 'true',
    });
    assert.equal(made.status, 200, await made.text());
    await iam(root, {
      Action: 'AttachUserPolicy',
      UserName: 'carol',
      PolicyArn: 'arn:aws:iam::aws:policy/IAMUserChangePassword',
    });
    const carol = await browser({ account: accountId, userName: 'carol', password: 'Carol-Start-1!' });
    assert.equal((await session(carol.cookie)).json.passwordResetRequired, true);
    const s3 = await fetch(`${server.endpoint}/console/api/s3/`, {
      headers: { cookie: carol.cookie, 'x-strongbox-csrf': carol.csrf },
    });
    assert.equal(s3.status, 403);
    const key = await iam(carol, { Action: 'CreateAccessKey' });
    assert.equal(key.status, 403, 'only the password change until it is done');
    assert.equal(((await key.json()) as { code: string }).code, 'PasswordResetRequired');
    const changed = await iam(carol, {
      Action: 'ChangePassword',
      OldPassword: 'Carol-Start-1!',
      NewPassword: 'Carol-Next-2!',
    });
    assert.equal(changed.status, 200, await changed.text());
    const after = await session(carol.cookie);
    assert.equal(after.json.passwordResetRequired, false);
    const again = await signIn({ account: accountId, userName: 'carol', password: 'Carol-Next-2!' });
    assert.equal(again.res.status, 200);
  });

  it('throttles repeated wrong passwords for one user', async () => {
    const form = await fetch(`${server.endpoint}/console/signin`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ account: accountId, password: ROOT_PASSWORD }),
    });
    assert.equal(form.status, 415, 'a body another site could send without a preflight is refused');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await signIn({ account: accountId, userName: 'mallory', password: `guess-${i}` })).res.status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  });

  it('leaves signed requests to a bucket named console to S3', async () => {
    assert.equal((await awsCli(server, ['s3', 'mb', 's3://console'])).code, 0);
    const put = await awsCli(server, ['s3', 'cp', '-', 's3://console/index.html']);
    assert.equal(put.code, 0, put.stderr);
    const ls = await awsCli(server, ['s3', 'ls', 's3://console/']);
    assert.match(ls.stdout, /index\.html/);
  });
});
