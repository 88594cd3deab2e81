import { afterEach, describe, expect, it, vi } from 'vitest';
import { account, clockStatus, deferred, fakeBackend, measured, snapshot, totpCode } from '../test/backend';
import { filterAccounts, TockStore } from './store.svelte';

describe('filterAccounts', () => {
  const list = [
    account({ id: '1', issuer: 'GitHub', name: 'alice@example.com' }),
    account({ id: '2', issuer: 'GitHub', name: 'bob@work.example' }),
    account({ id: '3', issuer: 'Mastodon', name: 'alice' }),
  ];
  const ids = (q: string) => filterAccounts(list, q).map((a) => a.id);

  it('returns everything for an empty query', () => expect(ids('  ')).toEqual(['1', '2', '3']));
  it('matches issuer or name, ignoring case', () => {
    expect(ids('github')).toEqual(['1', '2']);
    expect(ids('ALICE')).toEqual(['1', '3']);
  });
  it('needs every word to match', () => expect(ids('github alice')).toEqual(['1']));
  it('finds nothing for unknown text', () => expect(ids('gitlab')).toEqual([]));
});

describe('TockStore.applySnapshot', () => {
  it('keeps the countdown of an unchanged code and renews a changed one', () => {
    const store = new TockStore();
    store.applySnapshot(snapshot([totpCode('a', '111111', '222222', 0), totpCode('b', '333333', '444444', 0)]), 10_000);
    const first = store.codes.a.countdown!;
    expect(first.drainDelay).toBe('-10s');

    store.applySnapshot(snapshot([totpCode('a', '111111', '222222', 0), totpCode('b', '555555', '666666', 0)]), 20_000);
    expect(store.codes.a.countdown).toEqual(first); // same timing: the animation keeps running
    expect(store.codes.b.countdown!.drainDelay).toBe('-20s');
    expect(store.codes.b.view.code).toBe('555555');
  });

  it('has no countdown for HOTP codes and drops codes no longer sent', () => {
    const store = new TockStore();
    store.applySnapshot(snapshot([totpCode('a', '111111', '222222', 0)]), 0);
    store.applySnapshot(
      snapshot([{ id: 'h', code: '123456', nextCode: null, validFromMs: null, validUntilMs: null }]),
      0,
    );
    expect(store.codes.h.countdown).toBeNull();
    expect(store.codes.a).toBeUndefined();
  });
});

describe('TockStore.load', () => {
  const codes = snapshot([totpCode('a', '111111', '222222')]);

  it('applies the accounts and their codes together, once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls = fakeBackend(
      { accounts: [account({ id: 'a' })] },
      {
        get_codes: async () => {
          await gate;
          return codes;
        },
      },
    );
    const store = new TockStore();
    const first = store.load();
    const again = store.load();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The names wait for the codes: no frame shows rows without codes.
    expect(store.accounts).toEqual([]);
    expect(store.loaded).toBe(false);
    release();
    await first;
    expect(again).toBe(first);
    expect(store.accounts.map((a) => a.id)).toEqual(['a']);
    expect(store.codes.a.view.code).toBe('111111');
    expect(calls.filter((c) => c.cmd === 'list_accounts')).toHaveLength(1);
  });

  it('shows why loading failed and stops saying "Loading…"', async () => {
    fakeBackend(
      { accounts: [account({ id: 'a' })], codes },
      {
        list_accounts: () => {
          throw { code: 'keychain', message: 'The OS keychain is locked; unlock it and try again.' };
        },
      },
    );
    const store = new TockStore();
    await store.load();
    expect(store.loaded).toBe(true);
    expect(store.error).toBe('The OS keychain is locked; unlock it and try again.');
    expect(store.codes.a.view.code).toBe('111111');
  });
});

describe('TockStore and the clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const correcting = measured(47_000, { correcting: true, appliedOffsetMs: 47_000 });

  it('runs countdowns on the corrected time while correcting', () => {
    // This computer's clock says 59 s into the period; the time servers 12 s.
    vi.setSystemTime(59_000);
    const store = new TockStore();
    store.setClock(correcting);
    expect(store.now()).toBe(12_000);
    store.applySnapshot(snapshot([totpCode('a', '111111', '222222', 0)]));
    expect(store.codes.a.countdown!.drainDelay).toBe('-12s');
    expect(store.codes.a.expiring).toBe(false);
  });

  it('re-times the running countdowns when the correction starts or stops', () => {
    vi.setSystemTime(59_000);
    const store = new TockStore();
    store.applySnapshot(snapshot([totpCode('a', '111111', '222222', 30_000)]));
    const before = store.codes.a.countdown!;
    expect(before.drainDelay).toBe('-29s');

    store.setClock(measured(17_000, { correcting: true, appliedOffsetMs: 17_000 }));
    const after = store.codes.a.countdown!;
    expect(after.drainDelay).toBe('-12s');
    expect(after.key).not.toBe(before.key); // a new key restarts the ring's animation

    store.setClock(measured(17_000));
    expect(store.codes.a.countdown!.drainDelay).toBe('-29s');
    expect(store.codes.a.countdown!.key).toBe(before.key);
  });

  it('keeps a countdown when the same snapshot comes again while correcting', () => {
    vi.setSystemTime(59_000);
    const store = new TockStore();
    store.setClock(correcting);
    store.applySnapshot(snapshot([totpCode('a', '111111', '222222', 0)]));
    const first = store.codes.a.countdown;
    vi.setSystemTime(64_000);
    store.applySnapshot(snapshot([totpCode('a', '111111', '222222', 0)]));
    expect(store.codes.a.countdown).toBe(first);
  });

  it('shows a problem once, again only when asked for, and drops it once a check works', () => {
    const store = new TockStore();
    const problem = clockStatus({ problem: 'Could not check the clock: no time server answered.' });
    store.setClock(problem);
    expect(store.clockProblem).toBe('Could not check the clock: no time server answered.');
    store.clockProblem = null; // dismissed
    store.setClock(problem);
    expect(store.clockProblem).toBeNull();
    store.setClock(problem, true);
    expect(store.clockProblem).toBe('Could not check the clock: no time server answered.');
    store.setClock(measured(1_000));
    expect(store.clockProblem).toBeNull();
    store.setClock(problem);
    expect(store.clockProblem).toBe('Could not check the clock: no time server answered.');
  });

  it('does not let a late get_clock answer overwrite a newer event', async () => {
    const answer = deferred<ReturnType<typeof clockStatus>>();
    fakeBackend({ accounts: [] }, { get_clock: () => answer.promise });
    const store = new TockStore();
    const loading = store.loadClock();
    store.setClock(measured(47_000));
    answer.resolve(clockStatus());
    await loading;
    expect(store.clock?.offsetMs).toBe(47_000);
  });

  it('shares one measurement between checks asked for together', async () => {
    const answer = deferred<ReturnType<typeof clockStatus>>();
    const calls = fakeBackend({ accounts: [] }, { check_clock: () => answer.promise });
    const store = new TockStore();
    const first = store.checkClock();
    const second = store.checkClock();
    expect(store.checkingClock).toBe(true);
    answer.resolve(measured(2_000));
    expect(await first).toEqual(await second);
    expect(store.checkingClock).toBe(false);
    expect(calls.filter((c) => c.cmd === 'check_clock')).toHaveLength(1);
    expect(store.clock?.offsetMs).toBe(2_000);
  });
});
