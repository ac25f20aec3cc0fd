import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { ConfigError, parseServerConfig } from './config.js';

describe('parseServerConfig --workers', () => {
  it('serves from one process unless told otherwise', () => {
    assert.equal(parseServerConfig([], {}).workers, 1);
  });

  it('takes a count, auto (one per CPU), from the flag or STRONGBOX_WORKERS, the flag winning', () => {
    assert.equal(parseServerConfig(['--workers', '3'], {}).workers, 3);
    assert.equal(parseServerConfig(['--workers=auto'], {}).workers, Math.min(availableParallelism(), 64));
    assert.equal(parseServerConfig([], { STRONGBOX_WORKERS: '2' }).workers, 2);
    assert.equal(parseServerConfig(['--workers', '4'], { STRONGBOX_WORKERS: '2' }).workers, 4);
  });

  it('refuses what is not a whole number from 1 to 64', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '', '65']) {
      assert.throws(() => parseServerConfig(['--workers', bad], {}), ConfigError, `--workers ${JSON.stringify(bad)}`);
    }
  });
});
