import { useEffect, useState } from 'preact/hooks';
import { iam, iamAll, str, type Xml } from '../api.js';
import {
  Badge,
  Button,
  Dialog,
  ErrorBox,
  Field,
  LoadedTable,
  Notice,
  Table,
  TextField,
  download,
  formatDate,
  useAction,
  useAsync,
} from '../ui.js';
import { ConsolePasswordFields, ageDays, ignoreMissing } from './iam-shared.js';

/** A user's "Security credentials" tab (console access, MFA, access keys) and "Access Advisor". */

export function SecurityCredentials({
  name,
  consoleEnabled,
  onChanged,
}: {
  name: string;
  consoleEnabled: boolean;
  onChanged: () => void;
}) {
  return (
    <>
      <ConsoleAccess name={name} enabled={consoleEnabled} onChanged={onChanged} />
      <MfaDevices name={name} />
      <AccessKeys name={name} />
    </>
  );
}

function ConsoleAccess({ name, enabled, onChanged }: { name: string; enabled: boolean; onChanged: () => void }) {
  const [dialog, setDialog] = useState<'enable' | 'disable' | undefined>();
  const [password, setPassword] = useState('');
  const [reset, setReset] = useState(true);
  const act = useAction();
  const finish = (ok: boolean) => {
    if (ok) {
      setDialog(undefined);
      setPassword('');
      onChanged();
    }
  };
  return (
    <section class="panel">
      <h2>
        Console sign-in
        {enabled ? (
          <Button kind="danger" onClick={() => (act.clear(), setDialog('disable'))}>
            Disable console access
          </Button>
        ) : (
          <Button onClick={() => (act.clear(), setDialog('enable'))}>Enable console access</Button>
        )}
      </h2>
      <dl class="kv">
        <dt>Console access</dt>
        <dd>{enabled ? <Badge kind="good">Enabled</Badge> : <Badge kind="neutral">Disabled</Badge>}</dd>
      </dl>
      {dialog === 'enable' && (
        <Dialog
          title="Enable console access"
          confirmLabel="Enable"
          busy={act.busy}
          error={act.error}
          onConfirm={() =>
            void act
              .run(() =>
                iam('CreateLoginProfile', { UserName: name, Password: password, PasswordResetRequired: String(reset) }),
              )
              .then(finish)
          }
          onCancel={() => setDialog(undefined)}
        >
          <ConsolePasswordFields password={password} onPassword={setPassword} reset={reset} onReset={setReset} />
        </Dialog>
      )}
      {dialog === 'disable' && (
        <Dialog
          title="Disable console access"
          confirmLabel="Disable"
          danger
          busy={act.busy}
          error={act.error}
          onConfirm={() => void act.run(() => iam('DeleteLoginProfile', { UserName: name })).then(finish)}
          onCancel={() => setDialog(undefined)}
        >
          <p>{name} will no longer be able to sign in to the console. Their password is deleted.</p>
        </Dialog>
      )}
    </section>
  );
}

function MfaDevices({ name }: { name: string }) {
  const state = useAsync(() => iamAll('ListMFADevices', 'MFADevices', { UserName: name }), [name]);
  const [assigning, setAssigning] = useState(false);
  const [removing, setRemoving] = useState<string | undefined>();
  const act = useAction();
  return (
    <section class="panel">
      <h2>
        Multi-factor authentication (MFA)
        <Button onClick={() => setAssigning(true)}>Assign MFA device</Button>
      </h2>
      <LoadedTable
        state={state}
        what="MFA devices"
        label="MFA devices"
        empty="No MFA devices assigned."
        columns={[
          { title: 'Identifier', render: (d) => <code>{str(d.SerialNumber)}</code> },
          { title: 'Type', render: (d) => (str(d.SerialNumber).includes(':mfa/') ? 'Virtual' : 'Other') },
          { title: 'Assigned', render: (d) => formatDate(str(d.EnableDate)) },
          {
            title: 'Actions',
            render: (d) => (
              <Button
                kind="danger"
                aria-label={`Remove MFA device ${str(d.SerialNumber)}`}
                onClick={() => (act.clear(), setRemoving(str(d.SerialNumber)))}
              >
                Remove
              </Button>
            ),
          },
        ]}
      />
      {assigning && (
        <AssignMfa
          name={name}
          onDone={() => {
            setAssigning(false);
            state.reload();
          }}
        />
      )}
      {removing && (
        <Dialog
          title="Remove MFA device"
          confirmLabel="Remove"
          danger
          busy={act.busy}
          error={act.error}
          onConfirm={() =>
            void act
              .run(async () => {
                await iam('DeactivateMFADevice', { UserName: name, SerialNumber: removing });
                if (removing.includes(':mfa/'))
                  await ignoreMissing(() => iam('DeleteVirtualMFADevice', { SerialNumber: removing }));
              })
              .then((ok) => {
                if (ok) setRemoving(undefined);
                state.reload();
              })
          }
          onCancel={() => setRemoving(undefined)}
        >
          <p>
            The device <code>{removing}</code> will be deactivated and deleted. {name} will no longer need it to sign
            in.
          </p>
        </Dialog>
      )}
    </section>
  );
}

function AssignMfa({ name, onDone }: { name: string; onDone: () => void }) {
  const [deviceName, setDeviceName] = useState(name);
  const [device, setDevice] = useState<{ serial: string; seed: string; png: string } | undefined>();
  const [code1, setCode1] = useState('');
  const [code2, setCode2] = useState('');
  const act = useAction();
  const cancel = () => {
    if (device)
      void ignoreMissing(() => iam('DeleteVirtualMFADevice', { SerialNumber: device.serial })).catch(() => undefined);
    onDone();
  };
  const show = () =>
    void act.run(async () => {
      const r = await iam('CreateVirtualMFADevice', { VirtualMFADeviceName: deviceName });
      const d = r.VirtualMFADevice as Xml;
      setDevice({ serial: str(d.SerialNumber), seed: base32Seed(str(d.Base32StringSeed)), png: str(d.QRCodePNG) });
    });
  const confirm = () =>
    void act
      .run(() =>
        iam('EnableMFADevice', {
          UserName: name,
          SerialNumber: device!.serial,
          AuthenticationCode1: code1,
          AuthenticationCode2: code2,
        }),
      )
      .then((ok) => ok && onDone());
  return (
    <Dialog
      title="Assign MFA device"
      confirmLabel="Add MFA"
      busy={act.busy}
      disabled={!device || code1 === '' || code2 === ''}
      error={act.error}
      onConfirm={confirm}
      onCancel={cancel}
    >
      <Field label="Device name" hint="A name to identify this device, unique in the account.">
        <input
          value={deviceName}
          disabled={device !== undefined}
          onInput={(e) => setDeviceName(e.currentTarget.value)}
        />
      </Field>
      {!device ? (
        <Button kind="primary" disabled={act.busy || deviceName.trim() === ''} onClick={show}>
          Show QR code
        </Button>
      ) : (
        <>
          <ol class="mfa-steps">
            <li>Install an authenticator app on your phone.</li>
            <li>
              Scan this QR code with the app, or type the secret key.
              <div class="mfa-qr">
                <img alt="MFA QR code" src={`data:image/png;base64,${device.png}`} width={200} height={200} />
              </div>
              <p>
                Secret key: <code data-testid="mfa-secret">{device.seed}</code>
              </p>
            </li>
            <li>Type two consecutive codes from the app.</li>
          </ol>
          {(
            [
              ['MFA code 1', code1, setCode1],
              ['MFA code 2', code2, setCode2],
            ] as const
          ).map(([label, value, set]) => (
            <TextField
              label={label}
              inputMode="numeric"
              autocomplete="one-time-code"
              maxLength={6}
              value={value}
              onValue={(v) => set(v.trim())}
            />
          ))}
        </>
      )}
    </Dialog>
  );
}

interface KeyRow {
  readonly key: Xml;
  readonly lastUsed: Xml | undefined;
}

function AccessKeys({ name }: { name: string }) {
  const state = useAsync(async (): Promise<KeyRow[]> => {
    const keys = await iamAll('ListAccessKeys', 'AccessKeyMetadata', { UserName: name });
    return Promise.all(
      keys.map(async (key) => {
        const r = await iam('GetAccessKeyLastUsed', { AccessKeyId: str(key.AccessKeyId) });
        return { key, lastUsed: r.AccessKeyLastUsed as Xml | undefined };
      }),
    );
  }, [name]);
  const [created, setCreated] = useState<{ id: string; secret: string } | undefined>();
  const [deleting, setDeleting] = useState<string | undefined>();
  const act = useAction();
  const create = () =>
    void act.run(async () => {
      const r = await iam('CreateAccessKey', { UserName: name });
      const k = r.AccessKey as Xml;
      setCreated({ id: str(k.AccessKeyId), secret: str(k.SecretAccessKey) });
      state.reload();
    });
  const setStatus = (id: string, status: 'Active' | 'Inactive') =>
    void act
      .run(() => iam('UpdateAccessKey', { UserName: name, AccessKeyId: id, Status: status }))
      .then(() => state.reload());
  return (
    <section class="panel">
      <h2>
        Access keys
        <Button kind="primary" disabled={act.busy} onClick={create}>
          Create access key
        </Button>
      </h2>
      <p class="muted">
        Use access keys to send programmatic calls to AWS APIs. A user can have at most two; rotate by creating a second
        key, deactivating the old one, then deleting it.
      </p>
      {!deleting && !created && <ErrorBox error={act.error} />}
      <LoadedTable
        state={state}
        what="access keys"
        label="Access keys"
        empty="No access keys."
        columns={[
          { title: 'Access key ID', render: (r) => <code>{str(r.key.AccessKeyId)}</code> },
          {
            title: 'Status',
            render: (r) =>
              str(r.key.Status) === 'Active' ? (
                <Badge kind="good">Active</Badge>
              ) : (
                <Badge kind="neutral">Inactive</Badge>
              ),
          },
          {
            title: 'Created',
            render: (r) => <span title={formatDate(str(r.key.CreateDate))}>{ageDays(str(r.key.CreateDate))}</span>,
          },
          {
            title: 'Last used',
            render: (r) => {
              const d = str(r.lastUsed?.LastUsedDate);
              if (!d) return 'Never';
              return `${formatDate(d)} · ${str(r.lastUsed?.ServiceName)} · ${str(r.lastUsed?.Region)}`;
            },
          },
          {
            title: 'Actions',
            render: (r) => {
              const id = str(r.key.AccessKeyId);
              const active = str(r.key.Status) === 'Active';
              return (
                <span class="row-actions">
                  {active ? (
                    <Button
                      aria-label={`Deactivate ${id}`}
                      disabled={act.busy}
                      onClick={() => setStatus(id, 'Inactive')}
                    >
                      Deactivate
                    </Button>
                  ) : (
                    <Button aria-label={`Activate ${id}`} disabled={act.busy} onClick={() => setStatus(id, 'Active')}>
                      Activate
                    </Button>
                  )}
                  <Button kind="danger" aria-label={`Delete ${id}`} onClick={() => (act.clear(), setDeleting(id))}>
                    Delete
                  </Button>
                </span>
              );
            },
          },
        ]}
      />
      {created && (
        <Dialog
          title="Retrieve access keys"
          confirmLabel="Done"
          onConfirm={() => setCreated(undefined)}
          onCancel={() => setCreated(undefined)}
        >
          <p class="alert warning">
            This is the only time that the secret access key can be viewed or downloaded. You cannot recover it later.
          </p>
          <dl class="kv">
            <dt>Access key ID</dt>
            <dd>
              <code data-testid="access-key-id">{created.id}</code>
            </dd>
            <dt>Secret access key</dt>
            <dd>
              <code data-testid="secret-access-key">{created.secret}</code>
            </dd>
          </dl>
          <Button
            onClick={() =>
              download(`${name}_accessKeys.csv`, `Access key ID,Secret access key\n${created.id},${created.secret}\n`)
            }
          >
            Download .csv file
          </Button>
        </Dialog>
      )}
      {deleting && (
        <DeleteKey
          name={name}
          row={
            state.data?.find((r) => str(r.key.AccessKeyId) === deleting) ?? {
              key: { AccessKeyId: deleting, Status: 'Inactive' },
              lastUsed: undefined,
            }
          }
          onDone={() => {
            setDeleting(undefined);
            state.reload();
          }}
        />
      )}
    </section>
  );
}

function DeleteKey({ name, row, onDone }: { name: string; row: KeyRow; onDone: () => void }) {
  const id = str(row.key.AccessKeyId);
  const active = str(row.key.Status) === 'Active';
  const act = useAction();
  return (
    <Dialog
      title={`Delete ${id}?`}
      confirmLabel="Delete"
      danger
      busy={act.busy}
      disabled={active}
      error={act.error}
      onConfirm={() =>
        void act.run(() => iam('DeleteAccessKey', { UserName: name, AccessKeyId: id })).then((ok) => ok && onDone())
      }
      onCancel={onDone}
    >
      {active ? (
        <Notice kind="warning">
          This access key is active. Deactivate it first, then delete it (applications using it stop working when it is
          deactivated).
        </Notice>
      ) : (
        <p>The access key {id} will be deleted permanently. Applications using it can no longer sign requests.</p>
      )}
    </Dialog>
  );
}

/** Services last accessed by an identity (GenerateServiceLastAccessedDetails, polled). */
export function AccessAdvisor({ arn }: { arn: string }) {
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{ rows?: Xml[]; error?: unknown; status: string }>({ status: 'IN_PROGRESS' });
  useEffect(() => {
    let live = true;
    setState({ status: 'IN_PROGRESS' });
    void (async () => {
      try {
        const job = str((await iam('GenerateServiceLastAccessedDetails', { Arn: arn })).JobId);
        for (let i = 0; i < 60 && live; i++) {
          const r = await iam('GetServiceLastAccessedDetails', { JobId: job });
          const status = str(r.JobStatus);
          if (status === 'COMPLETED') {
            const rows = [...(r.ServicesLastAccessed ? iamMembers(r.ServicesLastAccessed) : [])];
            if (live) setState({ rows, status });
            return;
          }
          if (status === 'FAILED')
            throw new Error(str((r.Error as Xml | undefined)?.Message) || 'The report could not be generated.');
          await new Promise((res) => setTimeout(res, 500));
        }
      } catch (error) {
        if (live) setState({ error, status: 'FAILED' });
      }
    })();
    return () => {
      live = false;
    };
  }, [arn, tick]);
  return (
    <section class="panel">
      <h2>
        Access Advisor
        <Button onClick={() => setTick(tick + 1)}>Refresh</Button>
      </h2>
      <p class="muted">Services this identity is allowed to use and when it last used them.</p>
      <ErrorBox error={state.error} />
      {state.rows ? (
        <Table
          label="Services last accessed"
          empty="No services are allowed."
          rows={[...state.rows].sort(
            (a, b) =>
              str(b.LastAuthenticated).localeCompare(str(a.LastAuthenticated)) ||
              str(a.ServiceName).localeCompare(str(b.ServiceName)),
          )}
          columns={[
            { title: 'Service', render: (s) => str(s.ServiceName) || str(s.ServiceNamespace) },
            { title: 'Namespace', render: (s) => <code>{str(s.ServiceNamespace)}</code> },
            {
              title: 'Last accessed',
              render: (s) =>
                str(s.LastAuthenticated) ? formatDate(str(s.LastAuthenticated)) : 'Not accessed in the tracking period',
            },
          ]}
        />
      ) : (
        !state.error && <p class="loading">Generating the report…</p>
      )}
    </section>
  );
}

function iamMembers(v: Xml[keyof Xml]): Xml[] {
  if (typeof v !== 'object' || Array.isArray(v)) return [];
  const m = v.member;
  return m === undefined ? [] : ((Array.isArray(m) ? m : [m]) as Xml[]);
}

/** Base32StringSeed is a blob: on the wire, the base64 of the Base32 text the authenticator wants. */
function base32Seed(wire: string): string {
  try {
    const text = atob(wire);
    return /^[A-Z2-7=]+$/.test(text) ? text : wire;
  } catch {
    return wire;
  }
}
