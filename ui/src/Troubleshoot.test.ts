// "Code not accepted?" against a fake Rust backend: opened from the row menu and after a copy; the clock,
// the codes around now (HOTP: the next ones), the other entries for the site with their dates, backup codes
// and re-linking.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { AccountView } from './lib/bindings/AccountView';
import type { BackupView } from './lib/bindings/BackupView';
import type { Troubleshoot } from './lib/bindings/Troubleshoot';
import { formatDate } from './lib/format';
import {
  account,
  callsTo,
  fakeBackend,
  measured,
  PERIOD_START_MS,
  snapshot,
  stepCodes,
  totpCode,
  troubleshootFor,
} from './test/backend';

const withCodes: BackupView = {
  codes: { total: 10, left: 5, storedAt: 1_740_830_400, offlinePlace: 'In the desk drawer', offlineConfirmedAt: 1_740_830_500 },
  risks: [],
};

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice', addedAt: 1_764_756_000 }); // 3 Dec 2025
const oldGithub = account({ id: 'gh-old', issuer: 'GitHub', name: 'alice', addedAt: 1_733_220_000 }); // 3 Dec 2024
const copy = account({ id: 'gh-copy', issuer: 'GitHub', name: 'alice (copy)', addedAt: 1_764_842_400 }); // 4 Dec 2025
const bank = account({ id: 'bk', issuer: 'Bank', name: 'bob', kind: 'hotp', period: null, counter: 4 });
const codes = snapshot([
  totpCode('gh', '123456', '789012'),
  totpCode('gh-old', '222333', '444555'),
  totpCode('gh-copy', '123456', '789012'),
  { id: 'bk', code: '555123', nextCode: null, validFromMs: null, validUntilMs: null },
]);
const threeCodes = stepCodes(['111222', '123456', '789012']);

type Answers = Record<string, Partial<Troubleshoot>>;

async function renderApp(
  accounts: AccountView[] = [github, oldGithub, copy, bank],
  answers: Answers = {},
  handlers: Parameters<typeof fakeBackend>[1] = {},
) {
  const state = { accounts, codes };
  const calls = fakeBackend(state, {
    troubleshoot: ({ id }) => {
      const a = state.accounts.find((x) => x.id === id);
      if (!a) throw { code: 'not_found', message: 'No such account.' };
      const answer = answers[id as string] ?? {};
      const others = (answer.others ?? []).filter((o) => state.accounts.some((x) => x.id === o.account.id));
      return troubleshootFor(a, { codes: a.kind === 'hotp' ? [] : threeCodes, ...answer, others });
    },
    delete_account: ({ id }) => {
      state.accounts = state.accounts.filter((a) => a.id !== id);
      return null;
    },
    ...handlers,
  });
  render(App);
  await screen.findAllByTestId('account-row');
  return calls;
}

function row(id: string): HTMLElement {
  const found = screen.getAllByTestId('account-row').find((r) => r.dataset.id === id);
  if (!found) throw new Error(`no row ${id}`);
  return found;
}

async function openFromMenu(id: string): Promise<HTMLElement> {
  await userEvent.click(within(row(id)).getByTestId('account-menu'));
  await userEvent.click(screen.getByTestId('row-menu-troubleshoot'));
  return screen.findByTestId('troubleshoot-dialog');
}

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the troubleshooter', () => {
  it('opens from the row menu with the previous, current and next codes and how long each is valid', async () => {
    const calls = await renderApp();
    const dialog = await openFromMenu('gh');
    expect(dialog).toHaveAttribute('open');
    expect(within(dialog).getByRole('heading', { level: 2 })).toHaveTextContent('Code not accepted? GitHub (alice)');
    expect(callsTo(calls, 'troubleshoot')).toEqual([{ id: 'gh' }]);

    const prev = await within(dialog).findByTestId('troubleshoot-code-prev');
    expect(prev).toHaveTextContent('Previous');
    expect(prev).toHaveTextContent('111 222');
    expect(prev).toHaveTextContent('ended 12 s ago');
    const current = within(dialog).getByTestId('troubleshoot-code-current');
    expect(current).toHaveTextContent('123 456');
    expect(current).toHaveTextContent('18 s left');
    const next = within(dialog).getByTestId('troubleshoot-code-next');
    expect(next).toHaveTextContent('789 012');
    expect(next).toHaveTextContent('starts in 18 s');
    expect(within(dialog).getByTestId('troubleshoot-codes')).toHaveTextContent('Many sites also accept the previous one');
    expect(within(dialog).queryByTestId('troubleshoot-hotp')).not.toBeInTheDocument();
    expect(dialog).toHaveTextContent('often 15 to 30 minutes');
    expect(callsTo(calls, 'copy_code')).toEqual([]);

    // The native <dialog> closes itself on Escape and reports `close`; jsdom has no such behaviour, so the
    // test closes it as WebKit would (see Camera.test.ts).
    (dialog as HTMLDialogElement).close();
    await waitFor(() => expect(screen.queryByTestId('troubleshoot-dialog')).not.toBeInTheDocument());
  });

  it('shows the clock as measured, and checks it again', async () => {
    let clock = measured(0, { offsetMs: null, server: null, measuredAt: null });
    const calls = await renderApp(undefined, {}, {
      check_clock: () => (clock = measured(47_000)),
      troubleshoot: () => troubleshootFor(github, { codes: threeCodes, clock }),
    });
    const dialog = await openFromMenu('gh');
    const clockSection = await within(dialog).findByTestId('troubleshoot-clock');
    const text = await within(clockSection).findByTestId('troubleshoot-clock-text');
    expect(text).toHaveTextContent('Tock has not checked your clock yet.');
    expect(within(clockSection).queryByTestId('troubleshoot-clock-correct')).not.toBeInTheDocument();

    await userEvent.click(within(clockSection).getByTestId('troubleshoot-check-clock'));
    expect(callsTo(calls, 'check_clock')).toEqual([{}]);
    await waitFor(() =>
      expect(text).toHaveTextContent('Your clock is 47 s fast: this is probably why. Checked with time.cloudflare.com.'),
    );
    expect(callsTo(calls, 'troubleshoot')).toHaveLength(2);
    expect(within(clockSection).getByTestId('troubleshoot-clock-correct')).toBeInTheDocument();
    // The header's banner knows too, once the dialog is closed.
    (dialog as HTMLDialogElement).close();
    await waitFor(() => expect(screen.queryByTestId('troubleshoot-dialog')).not.toBeInTheDocument());
    expect(screen.getByTestId('clock-banner-text')).toHaveTextContent('47 s fast');
  });

  it('says a small offset is fine', async () => {
    await renderApp([github], { gh: { clock: measured(2_000) } });
    const dialog = await openFromMenu('gh');
    expect(await within(dialog).findByTestId('troubleshoot-clock-text')).toHaveTextContent(
      'Your clock is 2 s off: fine.',
    );
    expect(within(dialog).queryByTestId('troubleshoot-clock-correct')).not.toBeInTheDocument();
  });

  it('lists the next HOTP codes with their counters', async () => {
    const hotpNext = [5, 6, 7, 8, 9].map((counter) => ({ counter, code: `${counter}${counter}${counter}000` }));
    await renderApp(undefined, { bk: { hotpNext } });
    const dialog = await openFromMenu('bk');
    const list = await within(dialog).findByTestId('troubleshoot-hotp');
    const items = within(list).getAllByTestId('troubleshoot-hotp-code');
    expect(items.map((li) => li.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'Counter 5 555 000',
      'Counter 6 666 000',
      'Counter 7 777 000',
      'Counter 8 888 000',
      'Counter 9 999 000',
    ]);
    expect(within(dialog).getByTestId('troubleshoot-codes')).toHaveTextContent('type the next ones in turn');
    expect(within(dialog).queryByTestId('troubleshoot-code-current')).not.toBeInTheDocument();
  });

  it('says so when there is no other entry for the site', async () => {
    await renderApp();
    const dialog = await openFromMenu('bk');
    expect(await within(dialog).findByTestId('troubleshoot-no-others')).toHaveTextContent(
      'There is no other entry for this site in Tock',
    );
  });
});

describe('other entries for the same site', () => {
  const answers: Answers = {
    gh: {
      others: [
        { account: oldGithub, sameSecret: false },
        { account: copy, sameSecret: true },
      ],
    },
  };

  it('show when each was added, which is the newest and which are the same key', async () => {
    await renderApp(undefined, answers);
    const dialog = await openFromMenu('gh');
    const others = await within(dialog).findByTestId('troubleshoot-others');
    expect(others).toHaveTextContent(`This one was added ${formatDate(github.addedAt)}.`);
    expect(others).toHaveTextContent('The newest is usually the one the site knows');
    const old = within(others).getByTestId('troubleshoot-other-gh-old');
    expect(old).toHaveTextContent('GitHub (alice)');
    expect(within(old).getByTestId('troubleshoot-other-added')).toHaveTextContent(`added ${formatDate(oldGithub.addedAt)}`);
    expect(within(old).getByTestId('troubleshoot-other-added')).not.toHaveTextContent('newest');
    expect(within(old).queryByTestId('troubleshoot-other-same')).not.toBeInTheDocument();
    const dup = within(others).getByTestId('troubleshoot-other-gh-copy');
    expect(within(dup).getByTestId('troubleshoot-other-added')).toHaveTextContent(
      `added ${formatDate(copy.addedAt)} (the newest)`,
    );
    expect(within(dup).getByTestId('troubleshoot-other-same')).toHaveTextContent('Same key as this one: a harmless duplicate.');
  });

  it('can be renamed with the rename dialog, then the troubleshooter comes back', async () => {
    const calls = await renderApp(undefined, answers, {
      rename_account: (args) => ({ ...oldGithub, issuer: args.issuer as string, name: args.name as string }),
    });
    const dialog = await openFromMenu('gh');
    const old = await within(dialog).findByTestId('troubleshoot-other-gh-old');
    await userEvent.click(within(old).getByRole('button', { name: 'Rename GitHub (alice)' }));
    const rename = await screen.findByTestId('rename-dialog');
    expect(screen.queryByTestId('troubleshoot-dialog')).not.toBeInTheDocument();
    await userEvent.clear(within(rename).getByTestId('rename-name-input'));
    await userEvent.type(within(rename).getByTestId('rename-name-input'), 'alice (old)');
    await userEvent.click(within(rename).getByTestId('rename-submit'));
    expect(callsTo(calls, 'rename_account')).toEqual([{ id: 'gh-old', issuer: 'GitHub', name: 'alice (old)' }]);
    const back = await screen.findByTestId('troubleshoot-dialog');
    expect(back).toHaveTextContent('Code not accepted? GitHub (alice)');
    await waitFor(() => expect(callsTo(calls, 'troubleshoot').length).toBeGreaterThanOrEqual(2));
  });

  it('can be removed with the delete dialog, and leave the list', async () => {
    const calls = await renderApp(undefined, answers);
    const dialog = await openFromMenu('gh');
    const old = await within(dialog).findByTestId('troubleshoot-other-gh-old');
    await userEvent.click(within(old).getByTestId('troubleshoot-other-remove'));
    const del = await screen.findByTestId('delete-dialog');
    expect(within(del).getByTestId('delete-added-at')).toBeInTheDocument();
    await userEvent.click(within(del).getByTestId('delete-confirm'));
    expect(callsTo(calls, 'delete_account')).toEqual([{ id: 'gh-old' }]);
    const back = await screen.findByTestId('troubleshoot-dialog');
    await waitFor(() => expect(within(back).queryByTestId('troubleshoot-other-gh-old')).not.toBeInTheDocument());
    expect(within(back).getByTestId('troubleshoot-other-gh-copy')).toBeInTheDocument();
  });

  it('closing the rename dialog without renaming also comes back', async () => {
    await renderApp(undefined, answers);
    const dialog = await openFromMenu('gh');
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Rename GitHub (alice)' }));
    // Escape, as the browser does it (jsdom has no Escape on <dialog>).
    ((await screen.findByTestId('rename-dialog')) as HTMLDialogElement).close();
    expect(await screen.findByTestId('troubleshoot-dialog')).toBeInTheDocument();
    // Closing the troubleshooter itself leaves nothing open.
    await userEvent.click(screen.getByTestId('troubleshoot-close'));
    await waitFor(() => expect(screen.queryByTestId('troubleshoot-dialog')).not.toBeInTheDocument());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});

describe('backup codes and re-linking', () => {
  it('use a backup code through use_backup_code, then offer the re-link checklist for this account', async () => {
    const withBackup = { ...github, backup: withCodes };
    const calls = await renderApp([withBackup, bank], {}, { use_backup_code: () => ({ left: 4, total: 10 }) });
    const dialog = await openFromMenu('gh');
    const section = await within(dialog).findByTestId('troubleshoot-backup');
    expect(section).toHaveTextContent('5 codes left of 10');
    await userEvent.click(within(section).getByTestId('troubleshoot-use-backup'));
    expect(callsTo(calls, 'use_backup_code')).toEqual([{ id: 'gh', code: null }]);
    expect(await within(section).findByTestId('troubleshoot-backup-note')).toHaveTextContent(
      'A backup code is on the clipboard: paste it on the site. 4 of 10 left.',
    );
    expect(screen.getByTestId('copied-toast')).toHaveTextContent('Backup code copied: 4 of 10 left');

    await userEvent.click(within(section).getByTestId('troubleshoot-relink'));
    const move = await screen.findByTestId('move-dialog');
    expect(within(move).getByTestId('move-tab-relink')).toHaveAttribute('aria-selected', 'true');
    const choice = await within(move).findByTestId('relink-account');
    expect(choice).toHaveValue('gh');
    expect(within(move).getByTestId('relink-start')).toBeEnabled();
  });

  it('without codes, point to the site’s account recovery', async () => {
    await renderApp();
    const dialog = await openFromMenu('gh');
    const section = await within(dialog).findByTestId('troubleshoot-backup');
    expect(within(section).getByTestId('troubleshoot-no-backup')).toHaveTextContent(
      "No backup codes are stored in Tock. If you have none elsewhere, use the site's account recovery",
    );
    expect(within(section).queryByTestId('troubleshoot-use-backup')).not.toBeInTheDocument();
    expect(within(section).getByTestId('troubleshoot-relink')).toBeInTheDocument();
  });

  it('show why using one failed', async () => {
    await renderApp([{ ...github, backup: withCodes }], {}, {
      use_backup_code: () => Promise.reject({ code: 'keychain', message: 'The keychain is locked.' }),
    });
    const dialog = await openFromMenu('gh');
    await userEvent.click(await within(dialog).findByTestId('troubleshoot-use-backup'));
    expect(await within(dialog).findByTestId('troubleshoot-backup-error')).toHaveTextContent('The keychain is locked.');
  });
});

describe('the hint after a copy', () => {
  it('offers "Code not accepted?" on the copied row only, without copying again', async () => {
    const calls = await renderApp();
    expect(screen.queryByTestId('row-troubleshoot-hint')).not.toBeInTheDocument();
    await userEvent.click(within(row('gh')).getByTestId('account-code'));
    expect(callsTo(calls, 'copy_code')).toEqual([{ id: 'gh' }]);
    const hint = await within(row('gh')).findByTestId('row-troubleshoot-hint');
    expect(hint).toHaveTextContent('Code not accepted?');
    expect(within(row('gh-old')).queryByTestId('row-troubleshoot-hint')).not.toBeInTheDocument();

    await userEvent.click(hint);
    expect(await screen.findByTestId('troubleshoot-dialog')).toBeInTheDocument();
    expect(callsTo(calls, 'copy_code')).toEqual([{ id: 'gh' }]);
    expect(callsTo(calls, 'troubleshoot')).toEqual([{ id: 'gh' }]);
  });

  it('moves to the row copied next, and is reachable from the keyboard', async () => {
    await renderApp();
    row('gh').focus();
    await userEvent.keyboard('{Enter}');
    await within(row('gh')).findByTestId('row-troubleshoot-hint');
    await userEvent.keyboard('{ArrowDown}{Enter}');
    const hint = await within(row('gh-old')).findByTestId('row-troubleshoot-hint');
    expect(within(row('gh')).queryByTestId('row-troubleshoot-hint')).not.toBeInTheDocument();
    await userEvent.tab();
    expect(hint).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    const dialog = await screen.findByTestId('troubleshoot-dialog');
    expect(dialog).toHaveTextContent('GitHub (alice)');
  });
});
