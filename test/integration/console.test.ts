/**
 * The web console end to end (src/console, console/): a real Strongbox started here, Debian's
 * Chromium driven by playwright-core, and the seed documents' console flows — sign in as root, create
 * a user with programmatic access and download its keys, a policy pasted as JSON that the user (with
 * the aws CLI) is then held to, a group with a custom policy, detaching a policy, MFA enrolment and
 * MFA sign-in, switch role, a bucket policy turning public and back, an upload with progress and its
 * download, and deleting a bucket by typing its name. Screenshots of the main pages go to
 * test-artifacts/console/ (git-ignored) for review.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PutObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { base32Decode, stepOf, totpCode } from '../../src/crypto/totp.js';
import { REPO_ROOT, awsCli, iamClient, s3Client, startServer, uniqueName, type TestServer } from './harness.js';

const CHROMIUM = process.env.STRONGBOX_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(REPO_ROOT, 'test-artifacts/console');
const ROOT_PASSWORD = 'Root-Console-Pass-1!';
const USER_PASSWORD = 'Alice-Console-Pass-1!';

describe('web console (Chromium)', { skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM}` }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let accountId = '';
  const bucket = uniqueName('console-data');
  const other = uniqueName('console-other');
  const policyName = uniqueName('ConsoleBucketAccess');
  let userKeys = { accessKeyId: '', secretAccessKey: '' };
  let mfaSeed: Buffer = Buffer.alloc(0);

  const shot = async (name: string) => {
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };
  const go = async (hash: string) => {
    await page.goto(`${server.endpoint}/console/#/${hash}`);
  };
  const signInAs = async (o: { root?: boolean; userName?: string; password: string; mfa?: string }) => {
    await page.goto(`${server.endpoint}/console/`);
    if (o.root) await page.getByLabel('Root user').check();
    await page.getByLabel(o.root ? 'Account ID or root user e-mail' : 'Account ID or alias').fill(accountId);
    if (!o.root) await page.getByLabel('IAM user name').fill(o.userName ?? '');
    await page.getByLabel('Password').fill(o.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    if (o.mfa !== undefined) {
      await page.getByLabel('MFA code').fill(o.mfa);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer({ env: { STRONGBOX_ROOT_PASSWORD: ROOT_PASSWORD } });
    accountId = JSON.parse((await awsCli(server, ['sts', 'get-caller-identity'])).stdout).Account as string;
    await s3Client(server).send(new CreateBucketCommand({ Bucket: other }));
    await s3Client(server).send(new PutObjectCommand({ Bucket: other, Key: 'secret.txt', Body: 'not for alice' }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
      reducedMotion: 'reduce',
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('refuses a wrong password with AWS’s message, then signs the root user in', async () => {
    await page.goto(`${server.endpoint}/console/`);
    await page.getByLabel('Root user').check();
    await page.getByLabel('Account ID or root user e-mail').fill(accountId);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'InvalidCredentials' }).waitFor();
    await shot('01-sign-in');
    await page.getByLabel('Password').fill(ROOT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await shot('02-users');
  });

  it('creates a bucket in a region', async () => {
    await go('s3/buckets');
    await page.getByRole('button', { name: 'Create bucket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create bucket' });
    await dialog.getByLabel('Bucket name').fill(bucket);
    await dialog.getByLabel('AWS Region').selectOption('us-west-2');
    await dialog.getByRole('button', { name: 'Create bucket' }).click();
    await page.getByRole('link', { name: bucket }).waitFor();
    await shot('03-buckets');
  });

  it('creates a policy pasted as JSON, validated as it is typed', async () => {
    await go('iam/policies/create');
    const editor = page.getByLabel('Policy editor');
    await editor.fill('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}');
    await page
      .getByRole('list', { name: 'Policy validation' })
      .getByText(/SECURITY_WARNING|WARNING/)
      .first()
      .waitFor();
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
        { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: `arn:aws:s3:::${bucket}` },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: `arn:aws:s3:::${bucket}/*`,
        },
      ],
    };
    await editor.fill(JSON.stringify(policy, null, 2));
    await page.getByLabel('Policy name').fill(policyName);
    await shot('04-policy-editor');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.getByRole('heading', { name: policyName }).waitFor();
    await shot('05-policy');
  });

  it('creates a user with programmatic access and the policy; the downloaded keys hold the user to that bucket', async () => {
    await go('iam/users/create');
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Create an access key (programmatic access)').check();
    await page.getByLabel('Filter policies').first().fill(policyName);
    await page.getByRole('checkbox', { name: policyName, exact: true }).check();
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: 'Retrieve access keys' }).waitFor();
    await shot('06-user-created');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download .csv file' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'alice_accessKeys.csv');
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    assert.equal(csv[0], 'Access key ID,Secret access key');
    const [accessKeyId, secretAccessKey] = csv[1].split(',');
    userKeys = { accessKeyId, secretAccessKey };
    const own = await awsCli(server, ['s3', 'cp', '-', `s3://${bucket}/from-cli.txt`, '--region', 'us-west-2'], {
      creds: userKeys,
    });
    assert.equal(own.code, 0, own.stderr);
    const denied = await awsCli(server, ['s3', 'ls', `s3://${other}`], { creds: userKeys });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /AccessDenied/);
  });

  it('creates a group with a custom inline policy and adds the user', async () => {
    await go('iam/groups/create');
    await page.getByLabel('User group name').fill('developers');
    await page.getByRole('checkbox', { name: 'alice', exact: true }).check();
    await page
      .getByLabel('Inline policy JSON (optional)')
      .fill(
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iam:GetUser', Resource: `arn:aws:iam::${accountId}:user/\${aws:username}` },
          ],
        }),
      );
    await page.getByRole('button', { name: 'Create user group' }).click();
    await page.getByRole('heading', { name: 'developers' }).waitFor();
    await shot('07-group');
    const whoami = await awsCli(server, ['iam', 'get-user', '--user-name', 'alice'], { creds: userKeys });
    assert.equal(whoami.code, 0, whoami.stderr);
  });

  it('detaches a policy from the user, and the user loses that access', async () => {
    await go('iam/users/alice');
    await page.getByRole('button', { name: `Detach ${policyName}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Detach' }).click();
    await page.getByRole('button', { name: `Detach ${policyName}` }).waitFor({ state: 'detached' });
    await shot('08-user-permissions');
    const denied = await awsCli(server, ['s3', 'ls', `s3://${bucket}`, '--region', 'us-west-2'], { creds: userKeys });
    assert.match(denied.stderr, /AccessDenied/);
  });

  it('enrols an MFA device with its QR code; the user then signs in with a code', async () => {
    await go('iam/users/alice');
    await page.getByRole('tab', { name: 'Security credentials' }).click();
    await page.getByRole('button', { name: 'Enable console access' }).click();
    await page.getByRole('dialog').getByLabel('Console password').fill(USER_PASSWORD);
    await page.getByRole('dialog').getByLabel('User must create a new password at next sign-in').uncheck();
    await page.getByRole('dialog').getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Assign MFA device' }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign MFA device' });
    await dialog.getByRole('button', { name: 'Show QR code' }).click();
    await dialog.getByRole('img', { name: 'MFA QR code' }).waitFor();
    mfaSeed = base32Decode((await dialog.getByTestId('mfa-secret').innerText()).trim());
    await shot('09-mfa-enrol');
    // Two consecutive codes just behind now: the sign-in's code (now) is then a later, unused step.
    const step = stepOf(new Date());
    await dialog.getByLabel('MFA code 1').fill(totpCode(mfaSeed, step - 2));
    await dialog.getByLabel('MFA code 2').fill(totpCode(mfaSeed, step - 1));
    await dialog.getByRole('button', { name: 'Add MFA' }).click();
    await dialog.waitFor({ state: 'detached' });
    await signOut();
    await signInAs({ userName: 'alice', password: USER_PASSWORD, mfa: totpCode(mfaSeed, stepOf(new Date())) });
    await page.getByText('MFA', { exact: true }).waitFor();
    await shot('10-signed-in-with-mfa');
  });

  it('switches into a role that requires MFA, shows it in the header, and switches back', async () => {
    await iamClient(server).send(
      new CreateRoleCommand({
        RoleName: 'console-admin',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${accountId}:root` },
              Action: 'sts:AssumeRole',
              Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
            },
          ],
        }),
      }),
    );
    await awsCli(server, [
      'iam',
      'attach-role-policy',
      '--role-name',
      'console-admin',
      '--policy-arn',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
    ]);
    // The trust policy names the account: alice also needs an identity policy that allows the role.
    await awsCli(server, [
      'iam',
      'put-user-policy',
      '--user-name',
      'alice',
      '--policy-name',
      'assume',
      '--policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${accountId}:role/console-admin` },
        ],
      }),
    ]);
    await page.getByRole('button', { name: 'Switch role' }).click();
    const dialog = page.getByRole('dialog', { name: 'Switch role' });
    await dialog.getByLabel('Account ID').fill(accountId);
    await dialog.getByLabel('IAM role name').fill('console-admin');
    await dialog.getByLabel('Display name').fill('Admin (prod)');
    await dialog.getByLabel('Display color').selectOption('red');
    await dialog.getByRole('button', { name: 'Switch Role' }).click();
    await page.getByTestId('role-chip').filter({ hasText: 'Admin (prod)' }).waitFor();
    // As the role (IAMReadOnlyAccess), the users page lists alice, which alice herself may not do.
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'alice' }).waitFor();
    await shot('11-switched-role');
    await page.getByRole('button', { name: 'Switch back' }).click();
    await page.getByRole('button', { name: 'Switch role' }).waitFor();
    await signOut();
  });

  it('edits a bucket policy and sees the bucket turn public, then not public', async () => {
    await signInAs({ root: true, password: ROOT_PASSWORD });
    await go(`s3/buckets/${bucket}`);
    await page.getByRole('tab', { name: 'Permissions' }).click();
    await page.getByLabel('Block all public access').uncheck();
    await page.getByRole('button', { name: 'Save block public access' }).click();
    await page.getByTestId('policy-status').filter({ hasText: 'Not public' }).waitFor();
    const publicRead = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
    };
    await page.getByLabel('Bucket policy').fill(JSON.stringify(publicRead, null, 2));
    await page.getByRole('button', { name: 'Save bucket policy' }).click();
    await page
      .getByTestId('policy-status')
      .filter({ hasText: /^Public$/ })
      .waitFor();
    await shot('12-bucket-policy-public');
    await page.getByRole('button', { name: 'Delete bucket policy' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('policy-status').filter({ hasText: 'Not public' }).waitFor();
  });

  it('uploads a file with a progress bar and downloads it through a presigned link', async () => {
    const file = join(server.dataDir, '..', `upload-${server.port}.bin`);
    const bytes = Buffer.alloc(3 * 1024 * 1024, 7);
    writeFileSync(file, bytes);
    await go(`s3/buckets/${bucket}`);
    await page.getByRole('tab', { name: 'Objects' }).click();
    await page.getByLabel('Choose files').setInputFiles(file);
    const bar = page.getByRole('progressbar', { name: `Upload upload-${server.port}.bin` });
    await bar.waitFor();
    await page.getByText('Uploaded').first().waitFor();
    assert.equal(await bar.getAttribute('aria-valuenow'), '100');
    await shot('13-objects');
    await page.getByRole('checkbox', { name: `Select upload-${server.port}.bin` }).check();
    await page.getByRole('button', { name: 'Share with a presigned URL' }).click();
    await page.getByRole('button', { name: 'Create presigned URL' }).click();
    const url = await page.getByLabel('Presigned URL', { exact: true }).inputValue();
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
    await page.keyboard.press('Escape');
  });

  it('deletes a bucket only once its name is typed, emptying it first', async () => {
    await go('s3/buckets');
    await page.getByRole('button', { name: `Delete bucket ${bucket}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete bucket' });
    await dialog.getByRole('button', { name: 'Empty bucket' }).click();
    const empty = page.getByRole('dialog', { name: 'Empty bucket' });
    await empty.getByLabel('To confirm, type permanently delete').fill('permanently delete');
    await empty.getByRole('button', { name: 'Empty' }).click();
    await empty.waitFor({ state: 'detached' });
    const confirm = page.getByRole('dialog', { name: 'Delete bucket' });
    await confirm.getByLabel(`To confirm, type ${bucket}`).fill(`${bucket}-typo`);
    assert.equal(await confirm.getByRole('button', { name: 'Delete bucket' }).isDisabled(), true);
    await confirm.getByLabel(`To confirm, type ${bucket}`).fill(bucket);
    await shot('14-delete-bucket');
    await confirm.getByRole('button', { name: 'Delete bucket' }).click();
    await page.getByRole('link', { name: bucket }).waitFor({ state: 'detached' });
    const gone = await awsCli(server, ['s3api', 'head-bucket', '--bucket', bucket]);
    assert.notEqual(gone.code, 0);
  });

  it('shows the event history and works on a phone-sized screen', async () => {
    await go('audit/events');
    await page.getByLabel('Attribute value').fill('CreateUser');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await page.getByRole('table', { name: 'Events' }).getByRole('button', { name: 'CreateUser' }).first().waitFor();
    await shot('15-event-history');
    await page.setViewportSize({ width: 390, height: 844 });
    await go('iam/users');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Buckets' }).click();
    await page.getByRole('heading', { name: 'Buckets', exact: true }).waitFor();
    await shot('16-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
