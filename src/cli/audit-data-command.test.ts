import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertOutbox, migrateAlertOutbox } from '../auditor/alerts/alert-outbox.js';
import { sampleAlert } from '../auditor/alerts/testing/sample-alert.js';
import { openAuditorStore } from '../auditor/sqlite-auditor-store.js';
import { runAuditCommand } from './audit-command.js';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runAuditCommand(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

test('audit alerts lists the undeliverable alerts and queues one again with --retry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strongbox-alerts-cli-'));
  try {
    const store = openAuditorStore(dir);
    migrateAlertOutbox(store.db);
    const outbox = new AlertOutbox(store.db);
    outbox.enqueue(sampleAlert(), ['webhook']);
    const [entry] = outbox.due(new Date(), 10);
    outbox.markFailed(entry!.id, { error: 'HTTP 400 from http://127.0.0.1:1', permanent: true, now: new Date() });
    store.close();

    const listed = run('alerts', '--data-dir', dir, '--json');
    assert.equal(listed.code, 0, listed.err);
    const body = JSON.parse(listed.out) as {
      pending: number;
      dead: number;
      deadLetters: { id: number; destination: string }[];
    };
    assert.equal(body.dead, 1);
    assert.equal(body.deadLetters[0]!.destination, 'webhook');
    assert.match(run('alerts', '--data-dir', dir).out, /0 alert\(s\) waiting for delivery, 1 undeliverable/);

    const retried = run('alerts', '--data-dir', dir, '--retry', String(body.deadLetters[0]!.id));
    assert.equal(retried.out, 'Requeued\n');
    assert.match(run('alerts', '--data-dir', dir).out, /1 alert\(s\) waiting for delivery, 0 undeliverable/);
    assert.equal(run('alerts', '--data-dir', dir, '--retry', '999').code, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
