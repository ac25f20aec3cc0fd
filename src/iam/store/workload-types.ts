/**
 * IAM store port for workload tokens (src/workloads): the self-hosted analogue of attaching an
 * instance profile to an EC2 instance. A token stands for one instance profile of one account; the
 * workload that holds it gets the profile's role credentials from the workload-credentials endpoint.
 * Only the token's SHA-256 is stored: the secret is shown once, at creation, and never again.
 */

export interface WorkloadTokenRow {
  /** `wt-` + 17 lower-case base32 characters: the role session name of its credentials. */
  readonly tokenId: string;
  readonly accountId: string;
  /**
   * `AIPA…`: the profile the token was made for. Bound by id, not name, as an EC2 instance's
   * association is: a profile deleted and made again under the same name does not revive the token.
   */
  readonly instanceProfileId: string;
  readonly description: string | undefined;
  readonly createdAt: Date;
  /** Who created it (the caller's ARN), for the listing. */
  readonly createdByArn: string;
  /** undefined while the token is active. */
  readonly revokedAt: Date | undefined;
}

export interface WorkloadTokenRepo {
  create(t: {
    tokenId: string;
    accountId: string;
    instanceProfileId: string;
    /** Hex SHA-256 of the token's secret text. */
    tokenSha256: string;
    description?: string;
    createdByArn: string;
  }): Promise<WorkloadTokenRow>;
  /** The token whose secret hashes to `tokenSha256` (revoked ones too: the caller tells them apart). */
  findBySha256(tokenSha256: string): Promise<WorkloadTokenRow | undefined>;
  get(accountId: string, tokenId: string): Promise<WorkloadTokenRow | undefined>;
  /** The account's tokens, oldest first (ties by token id). */
  list(accountId: string): Promise<WorkloadTokenRow[]>;
  /**
   * Revokes the token at `at` (a token revoked already keeps its first revocation time). The row
   * after the change; undefined when the account has no such token.
   */
  revoke(accountId: string, tokenId: string, at: Date): Promise<WorkloadTokenRow | undefined>;
}
