/**
 * The TLS listener's certificate and private key, read from PEM files (`--tls-cert`, `--tls-key`) at
 * start and on SIGHUP. Checked before use, so a wrong file is a clear startup error (or, on SIGHUP, a
 * logged refusal that keeps the certificate in use) rather than a failed handshake later.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';

export interface TlsCredentials {
  /** PEM: the certificate, then any intermediates. */
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** The files cannot serve TLS: unreadable, not PEM, or a key that is not the certificate's. */
export class TlsCredentialsError extends Error {}

export async function readTlsCredentials(files: TlsFiles): Promise<TlsCredentials> {
  const cert = await readPem(files.certFile, '--tls-cert');
  const key = await readPem(files.keyFile, '--tls-key');
  try {
    // Throws for a key that does not match the certificate, or either not being PEM.
    createSecureContext({ cert, key });
    new X509Certificate(cert);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new TlsCredentialsError(`TLS certificate ${files.certFile} and key ${files.keyFile} cannot be used: ${why}`);
  }
  return { cert, key };
}

/** What the startup log says of the certificate: whom it names and when it expires. */
export interface CertificateSummary {
  readonly subject: string;
  readonly subjectAltName: string | undefined;
  readonly validTo: string;
}

export function describeCertificate(tls: TlsCredentials): CertificateSummary {
  const x = new X509Certificate(tls.cert);
  return { subject: x.subject.replace(/\n/g, ', '), subjectAltName: x.subjectAltName, validTo: x.validTo };
}

async function readPem(file: string, option: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new TlsCredentialsError(`cannot read ${option} ${file}: ${code}`);
  }
}
