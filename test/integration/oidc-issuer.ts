/**
 * A tiny OpenID Connect issuer for integration tests: serves discovery
 * (`<issuer>/.well-known/openid-configuration`) and a JWKS on 127.0.0.1 (ephemeral port, plain HTTP,
 * which STS accepts only from a loopback issuer), holds an RSA and an EC P-256 signing key, and issues
 * tokens. Also builds the tokens a verifier must refuse (HS256 with a shared secret, `alg: none`).
 *
 *   const issuer = await new OidcIssuer().start();
 *   // IAM: CreateOpenIDConnectProvider --url issuer.url --client-id-list sts.amazonaws.com
 *   const token = issuer.sign(issuer.claims({ sub: 'repo:acme/app' }));
 *   await issuer.stop();
 */
import { createHmac, generateKeyPairSync, randomUUID, sign, constants, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SigningAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256';

export interface SignOptions {
  readonly alg?: SigningAlgorithm;
  /** Overrides the `kid` header; `null` leaves it out. */
  readonly kid?: string | null;
  /** Extra header members (e.g. `typ`). */
  readonly header?: Readonly<Record<string, unknown>>;
}

/** Per-endpoint HTTP status to answer instead of the document (e.g. 500 to simulate an outage). */
export interface IssuerFaults {
  discoveryStatus?: number;
  jwksStatus?: number;
}

interface SigningKey {
  readonly kid: string;
  readonly kty: 'RSA' | 'EC';
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
}

function rsaKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, kty: 'RSA', privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' } };
}

function ecKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'ES256' };
  return { kid, kty: 'EC', privateKey, publicJwk };
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const DIGEST: Record<SigningAlgorithm, 'sha256' | 'sha384' | 'sha512'> = {
  RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', PS256: 'sha256', PS384: 'sha384', PS512: 'sha512', ES256: 'sha256',
};

export class OidcIssuer {
  private server: Server | undefined;
  private port = 0;
  private rsa: SigningKey = rsaKey(`rsa-${randomUUID().slice(0, 8)}`);
  private readonly ec: SigningKey = ecKey(`ec-${randomUUID().slice(0, 8)}`);
  /** Keys published in the JWKS besides the current ones (e.g. a retired key after rotate()). */
  private retired: SigningKey[] = [];
  /** Requests served, by path, so tests can assert caching and refetching. */
  readonly hits = { discovery: 0, jwks: 0 };
  readonly faults: IssuerFaults = {};

  /** `path` is the issuer's path under the host, e.g. `/realms/test` (default). */
  constructor(private readonly path = '/realms/test') {}

  async start(): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    server.unref(); // never keep the test process alive, even when a test forgets stop()
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections(); // keep-alive sockets of fetch's pool would otherwise hold close()
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The `iss` value: `http://127.0.0.1:<port>/realms/test`. */
  get url(): string {
    if (this.server === undefined) throw new Error('OidcIssuer not started');
    return `http://127.0.0.1:${this.port}${this.path}`;
  }

  /** The issuer without its scheme: the URL of the IAM OIDC provider and the condition-key prefix. */
  get providerUrl(): string {
    return this.url.replace(/^http:\/\//, '');
  }

  get rsaKid(): string {
    return this.rsa.kid;
  }

  get ecKid(): string {
    return this.ec.kid;
  }

  /** The published JWKS (public keys only). */
  get jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [this.rsa, this.ec, ...this.retired].map((k) => k.publicJwk) };
  }

  /** Replaces the RSA key with a new one (new kid); the old one stays published unless `keepOld` is false. */
  rotateRsaKey(options: { keepOld?: boolean } = {}): string {
    if (options.keepOld ?? true) this.retired.push(this.rsa);
    this.rsa = rsaKey(`rsa-${randomUUID().slice(0, 8)}`);
    return this.rsa.kid;
  }

  /** Typical ID-token claims (iss, aud, sub, iat, exp in 10 min), merged with `overrides`. */
  claims(overrides: Readonly<Record<string, unknown>> = {}, now: Date = new Date()): Record<string, unknown> {
    const iat = Math.floor(now.getTime() / 1000);
    return { iss: this.url, aud: 'sts.amazonaws.com', sub: 'test-subject', iat, exp: iat + 600, ...overrides };
  }

  /** A signed compact JWS. RS* and PS* use the RSA key, ES256 the EC key. */
  sign(claims: Readonly<Record<string, unknown>>, options: SignOptions = {}): string {
    const alg = options.alg ?? 'RS256';
    const key = alg === 'ES256' ? this.ec : this.rsa;
    const header: Record<string, unknown> = { alg, typ: 'JWT', ...options.header };
    if (options.kid !== null) header.kid = options.kid ?? key.kid;
    const signingInput = `${b64url(header)}.${b64url(claims)}`;
    const data = Buffer.from(signingInput);
    const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
    const signature = alg === 'ES256'
      ? sign(DIGEST[alg], data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : alg.startsWith('PS')
        ? sign(DIGEST[alg], data, { key: key.privateKey, ...pss })
        : sign(DIGEST[alg], data, key.privateKey);
    return `${signingInput}.${signature.toString('base64url')}`;
  }

  /** An HS256 token MACed with `secret` (by default the RSA key's published `n`, the classic confusion attack). */
  hs256Token(claims: Readonly<Record<string, unknown>>, secret?: string): string {
    const key = secret ?? String(this.rsa.publicJwk.n);
    const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: this.rsa.kid })}.${b64url(claims)}`;
    return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
  }

  /** An unsecured JWS (`alg: none`, empty signature). */
  noneToken(claims: Readonly<Record<string, unknown>>): string {
    return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'GET' && path === `${this.path}/.well-known/openid-configuration`) {
      this.hits.discovery++;
      this.answer(res, this.faults.discoveryStatus, {
        issuer: this.url,
        jwks_uri: `${this.url}/protocol/openid-connect/certs`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      });
      return;
    }
    if (req.method === 'GET' && path === `${this.path}/protocol/openid-connect/certs`) {
      this.hits.jwks++;
      this.answer(res, this.faults.jwksStatus, this.jwks);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  private answer(res: ServerResponse, faultStatus: number | undefined, body: unknown): void {
    if (faultStatus !== undefined) {
      res.writeHead(faultStatus, { 'content-type': 'text/plain' }).end('fault injected');
      return;
    }
    const headers = { 'content-type': 'application/json', 'cache-control': 'max-age=3600' };
    res.writeHead(200, headers).end(JSON.stringify(body));
  }
}
