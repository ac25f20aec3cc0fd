import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { watchLauncher } from './launcher-watch.js';

describe('watchLauncher', () => {
  const npm = { npm_lifecycle_event: 'npx' };

  it('calls onLauncherGone once when the parent of a process npm launched changes', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let parent = 4242;
    const gone = mock.fn();
    const watch = watchLauncher({ env: npm, parentPid: () => parent, onLauncherGone: gone, intervalMs: 100 });
    assert.ok(watch);
    t.mock.timers.tick(1000);
    assert.equal(gone.mock.callCount(), 0);
    parent = 1; // the shell npm ran us through died: re-parented to init (or a subreaper)
    t.mock.timers.tick(100);
    assert.equal(gone.mock.callCount(), 1);
    parent = 7;
    t.mock.timers.tick(1000);
    assert.equal(gone.mock.callCount(), 1);
  });

  it('stop ends the watch', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let parent = 4242;
    const gone = mock.fn();
    watchLauncher({ env: npm, parentPid: () => parent, onLauncherGone: gone, intervalMs: 100 })!.stop();
    parent = 1;
    t.mock.timers.tick(1000);
    assert.equal(gone.mock.callCount(), 0);
  });

  it('does not watch a process npm did not launch (a shell that exits leaves `strongbox server &` serving)', () => {
    assert.equal(watchLauncher({ env: {}, parentPid: () => 4242, onLauncherGone: () => assert.fail() }), undefined);
  });

  it('does not watch a process that is already an orphan', () => {
    assert.equal(watchLauncher({ env: npm, parentPid: () => 1, onLauncherGone: () => assert.fail() }), undefined);
  });
});
