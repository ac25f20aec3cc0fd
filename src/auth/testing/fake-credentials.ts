import type { AccessKeyLookupOptions, AccessKeyRecord, CredentialProvider } from '../types.js';

/** In-memory CredentialProvider for tests: records lookups. */
export class FakeCredentials implements CredentialProvider {
  readonly keys = new Map<string, AccessKeyRecord>();
  readonly lookups: { accessKeyId: string; options: AccessKeyLookupOptions | undefined }[] = [];

  add(record: Partial<AccessKeyRecord> & { accessKeyId: string; secretAccessKey: string }): this {
    this.keys.set(record.accessKeyId, {
      status: 'Active',
      caller: {
        kind: 'User',
        accountId: '111122223333',
        arn: 'arn:aws:iam::111122223333:user/alice',
        userId: 'AIDAEXAMPLEUSERID0001',
        userName: 'alice',
        path: '/',
        accessKeyId: record.accessKeyId,
      },
      ...record,
    });
    return this;
  }

  async findAccessKey(accessKeyId: string, options?: AccessKeyLookupOptions): Promise<AccessKeyRecord | undefined> {
    this.lookups.push({ accessKeyId, options });
    return this.keys.get(accessKeyId);
  }
}
