import { iamError } from '../errors.js';
import { orUndefined, toDate, type SqliteContext } from './sqlite-context.js';
import type { MfaDeviceRepo, MfaDeviceRow, MfaOwner, Tag, TaggableKind } from './types.js';

/** AWS quota: MFA devices in use by an IAM user, or by the root user (8 since November 2022). */
export const MAX_MFA_DEVICES_PER_OWNER = 8;

interface MfaDb {
  serial_number: string;
  account_id: string;
  device_name: string;
  path: string;
  created_at: number;
  seed_sealed: string;
  owner_kind: 'user' | 'root' | null;
  user_id: string | null;
  enabled_at: number | null;
  last_used_step: number | null;
}

type TagInserter = (accountId: string, kind: TaggableKind, id: string, tags: readonly Tag[]) => void;

function ownerOf(r: MfaDb): MfaOwner | undefined {
  if (r.owner_kind === 'root') return { kind: 'root' };
  if (r.owner_kind === 'user' && r.user_id !== null) return { kind: 'user', userId: r.user_id };
  return undefined;
}

function sameOwner(r: MfaDb, owner: MfaOwner): boolean {
  return owner.kind === 'root' ? r.owner_kind === 'root' : r.owner_kind === 'user' && r.user_id === owner.userId;
}

const noSuchDevice = (serialNumber: string) =>
  iamError('NoSuchEntity', { message: `VirtualMFADevice with serial number ${serialNumber} doesn't exist.` });

/**
 * Virtual MFA devices (table `mfa_devices`). Seeds are sealed with the master key, bound to the serial
 * number. A write that assigns or unassigns a device also reports a `user` change (DeleteUser
 * conflicts on a user's devices, and the credential caches hold MFA facts).
 */
export function sqliteMfaDevices(ctx: SqliteContext, insertTags: TagInserter): MfaDeviceRepo {
  const { db, sealer } = ctx;
  const get = db.prepare<[string], MfaDb>('SELECT * FROM mfa_devices WHERE serial_number = ?');
  const row = (r: MfaDb): MfaDeviceRow => ({
    serialNumber: r.serial_number,
    accountId: r.account_id,
    deviceName: r.device_name,
    path: r.path,
    createdAt: toDate(r.created_at),
    seed: sealer.unsealToBuffer(r.seed_sealed, r.serial_number),
    owner: ownerOf(r),
    enabledAt: toDate(r.enabled_at),
    lastUsedStep: orUndefined(r.last_used_step),
  });
  const countForOwner = (accountId: string, owner: MfaOwner): number => {
    const sql = owner.kind === 'root'
      ? `SELECT count(*) n FROM mfa_devices WHERE account_id = ? AND owner_kind = 'root'`
      : `SELECT count(*) n FROM mfa_devices WHERE account_id = ? AND owner_kind = 'user' AND user_id = ?`;
    const args = owner.kind === 'root' ? [accountId] : [accountId, owner.userId];
    return (db.prepare(sql).get(...args) as { n: number }).n;
  };
  const emitFor = (accountId: string, owner: MfaOwner | undefined) => {
    ctx.emit({ kind: 'mfa', accountId });
    if (owner?.kind === 'user') ctx.emit({ kind: 'user', accountId, userId: owner.userId });
  };

  const createTx = db.transaction((d: Parameters<MfaDeviceRepo['createVirtual']>[0], at: number) => {
    // Serial numbers name a path and a name; IAM names are unique regardless of case.
    const taken = db.prepare('SELECT 1 FROM mfa_devices WHERE serial_number = ? COLLATE NOCASE').get(d.serialNumber);
    if (taken) {
      throw iamError('EntityAlreadyExists', { message: 'MFADevice entity at the same path and name already exists.' });
    }
    const sealed = sealer.seal(d.seed, d.serialNumber);
    db.prepare(`INSERT INTO mfa_devices (serial_number, account_id, device_name, path, created_at, seed_sealed)
      VALUES (?, ?, ?, ?, ?, ?)`).run(d.serialNumber, d.accountId, d.deviceName, d.path, at, sealed);
    if (d.tags && d.tags.length > 0) insertTags(d.accountId, 'mfa', d.serialNumber, d.tags);
  });

  const enableTx = db.transaction((serialNumber: string, owner: MfaOwner, step: number, at: number): MfaDb => {
    const r = get.get(serialNumber);
    if (!r) throw noSuchDevice(serialNumber);
    if (r.owner_kind !== null) {
      throw iamError('EntityAlreadyExists', { message: 'MFA Device is already in use.' });
    }
    // Codes seen before (the device was enabled, used and deactivated) never count again.
    if (r.last_used_step !== null && step <= r.last_used_step) {
      throw iamError('InvalidAuthenticationCode', { message: 'Authentication code for device is not valid.' });
    }
    if (countForOwner(r.account_id, owner) >= MAX_MFA_DEVICES_PER_OWNER) {
      const message = `Cannot exceed quota for MFADevicesInUsePerUser: ${MAX_MFA_DEVICES_PER_OWNER}`;
      throw iamError('LimitExceeded', { message });
    }
    db.prepare(`UPDATE mfa_devices SET owner_kind = ?, user_id = ?, enabled_at = ?, last_used_step = ?
      WHERE serial_number = ?`).run(owner.kind, owner.kind === 'user' ? owner.userId : null, at, step, serialNumber);
    return r;
  });

  const deactivateTx = db.transaction((serialNumber: string, owner: MfaOwner): MfaDb => {
    const r = get.get(serialNumber);
    if (!r || !sameOwner(r, owner)) throw noSuchDevice(serialNumber);
    // The last used step stays: a code seen before deactivation is never accepted again.
    db.prepare('UPDATE mfa_devices SET owner_kind = NULL, user_id = NULL, enabled_at = NULL WHERE serial_number = ?')
      .run(serialNumber);
    return r;
  });

  const deleteTx = db.transaction((serialNumber: string): MfaDb => {
    const r = get.get(serialNumber);
    if (!r) throw noSuchDevice(serialNumber);
    if (r.owner_kind !== null) {
      throw iamError('DeleteConflict', { message: 'MFA Device is in use and cannot be deleted.' });
    }
    db.prepare(`DELETE FROM tags WHERE entity_kind = 'mfa' AND entity_id = ?`).run(serialNumber);
    db.prepare('DELETE FROM mfa_devices WHERE serial_number = ?').run(serialNumber);
    return r;
  });

  // One statement, so one atomic compare-and-set even across processes: of two requests carrying
  // the same code, exactly one moves last_used_step forward.
  const consume = db.prepare(`UPDATE mfa_devices SET last_used_step = ?
    WHERE serial_number = ? AND (last_used_step IS NULL OR last_used_step < ?)`);
  // Never moves backwards: a resync must not make an already used code acceptable again.
  const resync = db.prepare(`UPDATE mfa_devices SET last_used_step = max(coalesce(last_used_step, ?), ?)
    WHERE serial_number = ?`);

  return {
    async createVirtual(d) {
      createTx.immediate(d, ctx.now().getTime());
      ctx.emit({ kind: 'mfa', accountId: d.accountId });
      return row(get.get(d.serialNumber) as MfaDb);
    },
    async get(serialNumber) {
      const r = get.get(serialNumber);
      return r && row(r);
    },
    async listVirtual(accountId) {
      const sql = 'SELECT * FROM mfa_devices WHERE account_id = ? ORDER BY serial_number';
      return db.prepare<[string], MfaDb>(sql).all(accountId).map(row);
    },
    async listForOwner(accountId, owner) {
      const rows = owner.kind === 'root'
        ? db.prepare<[string], MfaDb>(`SELECT * FROM mfa_devices WHERE account_id = ? AND owner_kind = 'root'
            ORDER BY serial_number`).all(accountId)
        : db.prepare<[string, string], MfaDb>(`SELECT * FROM mfa_devices WHERE account_id = ? AND owner_kind = 'user'
            AND user_id = ? ORDER BY serial_number`).all(accountId, owner.userId);
      return rows.map(row);
    },
    async enable(serialNumber, owner, step) {
      const r = enableTx.immediate(serialNumber, owner, step, ctx.now().getTime());
      emitFor(r.account_id, owner);
    },
    async deactivate(serialNumber, owner) {
      const r = deactivateTx.immediate(serialNumber, owner);
      emitFor(r.account_id, owner);
    },
    async delete(serialNumber) {
      const r = deleteTx.immediate(serialNumber);
      ctx.emit({ kind: 'mfa', accountId: r.account_id });
    },
    async consumeStep(serialNumber, step) {
      return consume.run(step, serialNumber, step).changes > 0;
    },
    async resync(serialNumber, step) {
      if (resync.run(step, step, serialNumber).changes === 0) throw noSuchDevice(serialNumber);
    },
  };
}
