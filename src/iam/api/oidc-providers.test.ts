import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeOidcProviderUrl, oidcIssuerUrl, parseOidcProviderArn } from './oidc-provider-url.js';
import { iamTestBed, memberList } from './test-setup.js';

const PRINT_A = 'a'.repeat(40);
const PRINT_B = '0123456789ABCDEF0123456789abcdef01234567';

test('CreateOpenIDConnectProvider: ARN from the URL without scheme; Get returns it all; one provider per URL', async () => {
  const t = await iamTestBed();
  const r = await t.ok('CreateOpenIDConnectProvider', {
    Url: 'https://token.example.com/tenant/',
    'ClientIDList.member.1': 'app-1',
    'ClientIDList.member.2': 'app-2',
    'ThumbprintList.member.1': PRINT_A,
    'Tags.member.1.Key': 'env',
    'Tags.member.1.Value': 'dev',
  });
  const arn = `arn:aws:iam::${t.root.accountId}:oidc-provider/token.example.com/tenant`;
  assert.equal(r.OpenIDConnectProviderArn, arn);
  assert.deepEqual(memberList(r.Tags), [{ Key: 'env', Value: 'dev' }]);
  const got = await t.ok('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
  assert.equal(got.Url, 'token.example.com/tenant');
  assert.deepEqual(memberList(got.ClientIDList), ['app-1', 'app-2']);
  assert.deepEqual(memberList(got.ThumbprintList), [PRINT_A]);
  assert.match(String(got.CreateDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(memberList(got.Tags), [{ Key: 'env', Value: 'dev' }]);
  assert.equal(await t.code('CreateOpenIDConnectProvider', { Url: 'https://token.example.com/tenant' }), 'EntityAlreadyExists');
  const dup = await t.call('CreateOpenIDConnectProvider', { Url: 'https://token.example.com/tenant' });
  assert.equal(dup.status, 409);
  const checks = (await t.call('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn })).checks;
  assert.deepEqual([checks[0].action, checks[0].resource], ['iam:GetOpenIDConnectProvider', arn]);
  assert.equal(checks[0].context['aws:ResourceTag/env'], 'dev');
});

test('CreateOpenIDConnectProvider: thumbprints optional; URL, thumbprint and client id validation', async () => {
  const t = await iamTestBed();
  await t.ok('CreateOpenIDConnectProvider', { Url: 'https://no-thumbprints.example.com' });
  assert.equal(await t.code('CreateOpenIDConnectProvider', { Url: 'http://insecure.example.com' }), 'InvalidInput');
  assert.equal(await t.code('CreateOpenIDConnectProvider', { Url: 'https://q.example.com/?a=b' }), 'InvalidInput');
  assert.equal(await t.code('CreateOpenIDConnectProvider', { Url: 'not a url' }), 'InvalidInput');
  assert.equal(await t.code('CreateOpenIDConnectProvider', {}), 'ValidationError');
  assert.equal(await t.code('CreateOpenIDConnectProvider', { Url: 'https://a.example.com', 'ThumbprintList.member.1': 'abc' }), 'ValidationError');
  assert.equal(await t.code('CreateOpenIDConnectProvider', { Url: 'https://a.example.com', 'ThumbprintList.member.1': 'z'.repeat(40) }), 'InvalidInput');
  const six = Object.fromEntries([...Array(6).keys()].map((i) => [`ThumbprintList.member.${i + 1}`, String(i).repeat(40)]));
  assert.equal(await t.code('CreateOpenIDConnectProvider', { Url: 'https://a.example.com', ...six }), 'InvalidInput');
  const many = Object.fromEntries([...Array(101).keys()].map((i) => [`ClientIDList.member.${i + 1}`, `c${i}`]));
  assert.equal(await t.code('CreateOpenIDConnectProvider', { Url: 'https://a.example.com', ...many }), 'LimitExceeded');
  assert.equal(await t.code('CreateOpenIDConnectProvider', { Url: 'https://a.example.com', 'ClientIDList.member.1': '' }), 'ValidationError');
});

test('Deviation from AWS: plain http is accepted for a loopback issuer, and reached over http', async () => {
  const t = await iamTestBed();
  const r = await t.ok('CreateOpenIDConnectProvider', { Url: 'http://127.0.0.1:8123', 'ClientIDList.member.1': 'sts.amazonaws.com' });
  assert.equal(r.OpenIDConnectProviderArn, `arn:aws:iam::${t.root.accountId}:oidc-provider/127.0.0.1:8123`);
  await t.ok('CreateOpenIDConnectProvider', { Url: 'http://localhost:9000/issuer' });
  assert.equal(oidcIssuerUrl('127.0.0.1:8123'), 'http://127.0.0.1:8123');
  assert.equal(oidcIssuerUrl('localhost:9000/issuer'), 'http://localhost:9000/issuer');
  assert.equal(oidcIssuerUrl('[::1]:9000'), 'http://[::1]:9000');
  assert.equal(oidcIssuerUrl('token.example.com/x'), 'https://token.example.com/x');
  assert.equal(oidcIssuerUrl('localhost.example.com'), 'https://localhost.example.com');
  assert.equal(normalizeOidcProviderUrl('https://Example.com:443/'), 'example.com');
  assert.throws(() => normalizeOidcProviderUrl('http://10.0.0.1:80'), /https/);
  assert.deepEqual(parseOidcProviderArn('arn:aws:iam::123456789012:oidc-provider/a.b/c'), { accountId: '123456789012', url: 'a.b/c' });
  assert.equal(parseOidcProviderArn('arn:aws:iam::123456789012:role/x'), undefined);
});

test('List, UpdateThumbprint, Add/RemoveClientID (idempotent), Delete; another account\'s ARN is NoSuchEntity', async () => {
  const t = await iamTestBed();
  const create = async (url: string) => String((await t.ok('CreateOpenIDConnectProvider', { Url: url, 'ClientIDList.member.1': 'one' })).OpenIDConnectProviderArn);
  const b = await create('https://b.example.com');
  const a = await create('https://a.example.com');
  const listed = memberList((await t.ok('ListOpenIDConnectProviders')).OpenIDConnectProviderList).map((p) => p.Arn);
  assert.deepEqual(listed, [a, b]);
  const summary = (await t.ok('GetAccountSummary')).SummaryMap as { entry: Array<{ key: string; value: string }> };
  assert.equal(String(summary.entry.find((e) => e.key === 'Providers')?.value), '2');

  await t.ok('UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: a, 'ThumbprintList.member.1': PRINT_A, 'ThumbprintList.member.2': PRINT_B });
  assert.equal(await t.code('UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: a }), 'ValidationError');
  await t.ok('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: a, ClientID: 'two' });
  await t.ok('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: a, ClientID: 'two' });
  await t.ok('RemoveClientIDFromOpenIDConnectProvider', { OpenIDConnectProviderArn: a, ClientID: 'one' });
  await t.ok('RemoveClientIDFromOpenIDConnectProvider', { OpenIDConnectProviderArn: a, ClientID: 'absent' });
  const got = await t.ok('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: a });
  assert.deepEqual(memberList(got.ClientIDList), ['two']);
  assert.deepEqual(memberList(got.ThumbprintList), [PRINT_A, PRINT_B]);

  const foreign = 'arn:aws:iam::999999999999:oidc-provider/a.example.com';
  assert.equal(await t.code('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: foreign }), 'NoSuchEntity');
  assert.equal(await t.code('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: 'arn:aws:iam::123456789012:user/nope' }), 'InvalidInput');
  assert.equal(await t.code('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: foreign, ClientID: 'x' }), 'NoSuchEntity');

  await t.ok('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: a });
  assert.equal(await t.code('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: a }), 'NoSuchEntity');
  assert.equal(await t.code('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: a }), 'NoSuchEntity');
  await t.ok('CreateOpenIDConnectProvider', { Url: 'https://a.example.com' });
  const checks = (await t.call('ListOpenIDConnectProviders')).checks;
  assert.deepEqual([checks[0].action, checks[0].resource], ['iam:ListOpenIDConnectProviders', '*']);
});

test('Tag/Untag/ListOpenIDConnectProviderTags; a recreated provider does not inherit old tags', async () => {
  const t = await iamTestBed();
  const arn = String((await t.ok('CreateOpenIDConnectProvider', { Url: 'https://t.example.com' })).OpenIDConnectProviderArn);
  await t.ok('TagOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': '1' });
  await t.ok('TagOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, 'Tags.member.1.Key': 'b', 'Tags.member.1.Value': '2' });
  await t.ok('UntagOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, 'TagKeys.member.1': 'a' });
  assert.deepEqual(memberList((await t.ok('ListOpenIDConnectProviderTags', { OpenIDConnectProviderArn: arn })).Tags), [{ Key: 'b', Value: '2' }]);
  const tagChecks = (await t.call('TagOpenIDConnectProvider', { OpenIDConnectProviderArn: arn, 'Tags.member.1.Key': 'c', 'Tags.member.1.Value': '3' })).checks;
  assert.deepEqual(tagChecks[0].context['aws:TagKeys'], ['c']);
  await t.ok('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: arn });
  await t.ok('CreateOpenIDConnectProvider', { Url: 'https://t.example.com' });
  assert.deepEqual(memberList((await t.ok('ListOpenIDConnectProviderTags', { OpenIDConnectProviderArn: arn })).Tags), []);
  assert.equal(await t.code('ListOpenIDConnectProviderTags', { OpenIDConnectProviderArn: `${arn}x` }), 'NoSuchEntity');
});
