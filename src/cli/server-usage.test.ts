import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENVIRONMENT_ONLY, parseServerConfig, serverOptionDocs, UnknownOptionError } from '../config.js';
import { mainUsage, serverUsage, unknownCommandMessage, unknownOptionMessage } from './server-usage.js';

describe('the option table behind strongbox server --help', () => {
  const options = serverOptionDocs();

  it('declares, for every option, its variable, its value (switches excepted) and its help', () => {
    assert.ok(options.length >= 20);
    for (const o of options) {
      assert.match(o.flag, /^--[a-z0-9-]+$/, o.flag);
      assert.match(o.env, /^STRONGBOX_[A-Z0-9_]+$/, `${o.flag}: ${o.env}`);
      assert.ok(o.help !== undefined && o.help.length > 10, `${o.flag} has no help`);
      assert.equal(o.value === undefined, o.kind === 'switch', `${o.flag}: a value unless a switch`);
    }
    assert.equal(new Set(options.map((o) => o.flag)).size, options.length);
    assert.equal(new Set(options.map((o) => o.env)).size, options.length);
  });

  it('declares the real defaults: the flag given its declared default changes nothing', () => {
    const given = options.filter((o) => o.default !== undefined);
    assert.ok(given.length >= 10);
    const none = parseServerConfig([], {});
    for (const o of given) {
      assert.deepEqual(parseServerConfig([o.flag, o.default!], {}), none, `${o.flag} ${o.default}`);
    }
  });

  it('declares the variable the parser reads', () => {
    for (const o of options.filter((x) => x.default !== undefined)) {
      assert.deepEqual(parseServerConfig([], { [o.env]: o.default }), parseServerConfig([], {}), o.env);
    }
    // A variable the parser did not read would leave the config as it was: every one changes it.
    const changed: Record<string, string> = {
      STRONGBOX_DATA_DIR: '/srv/x', STRONGBOX_WORKERS: '2', STRONGBOX_AUDIT_RETENTION_DAYS: '7',
    };
    for (const [env, value] of Object.entries(changed)) {
      assert.ok(options.some((o) => o.env === env));
      assert.notDeepEqual(parseServerConfig([], { [env]: value }), parseServerConfig([], {}), env);
    }
  });

  it('shows every option with its variable and default, and the variables that are no option', () => {
    const text = serverUsage();
    for (const o of options) {
      const at = text.indexOf(`\n  ${o.flag}${o.value === undefined ? '\n' : ` ${o.value}`}`);
      assert.ok(at > 0, `${o.flag} missing`);
      const entry = text.slice(at, text.indexOf('\n  -', at + 1));
      assert.ok(entry.includes(o.env), `${o.flag}: ${o.env} missing`);
      if (o.default !== undefined) assert.ok(entry.includes(`default ${o.default}`), `${o.flag}: default missing`);
    }
    for (const v of ENVIRONMENT_ONLY) assert.ok(text.includes(`\n  ${v.env}\n`), v.env);
    assert.match(text, /--help/);
    assert.match(text, /--version/);
  });

  it('mainUsage names every command and the version', () => {
    const text = mainUsage('9.8.7');
    assert.match(text, /^strongbox 9\.8\.7/);
    for (const c of ['server', 'workload-token', 'validate-logs', '--version']) {
      assert.ok(text.includes(`strongbox ${c}`), c);
    }
  });
});

describe('unknown options and commands', () => {
  it('the parser names the unknown option, with or without a value after =', () => {
    const unknown = (option: string) => (e: unknown) => e instanceof UnknownOptionError && e.option === option;
    assert.throws(() => parseServerConfig(['--data-dri', 'x'], {}), unknown('--data-dri'));
    assert.throws(() => parseServerConfig(['--adress=1'], {}), unknown('--adress=1'));
  });

  it('suggests the option meant by a typo or a prefix, and nothing when none is near', () => {
    assert.match(unknownOptionMessage('--data-dri'), /did you mean --data-dir\?/);
    assert.match(unknownOptionMessage('--adress=127.0.0.1:1'), /^unknown option --adress \(did you mean --address\?\)/);
    assert.match(unknownOptionMessage('--tls-crt'), /did you mean --tls-cert\?/);
    assert.match(unknownOptionMessage('--lifecycle'), /did you mean --lifecycle-day-seconds\?/);
    assert.doesNotMatch(unknownOptionMessage('--frobnicate'), /did you mean/);
    for (const arg of ['--x', '--frobnicate', './data']) {
      assert.match(unknownOptionMessage(arg), /strongbox server --help/);
    }
  });

  it('says that a bare argument is no option', () => {
    assert.match(unknownOptionMessage('./data'), /^unexpected argument "\.\/data": options start with --/);
  });

  it('suggests the command meant', () => {
    assert.match(unknownCommandMessage('serve'), /did you mean strongbox server\?/);
    assert.match(unknownCommandMessage('--verison'), /^unknown option --verison \(did you mean --version\?\)/);
    assert.doesNotMatch(unknownCommandMessage('deploy'), /did you mean/);
  });
});
