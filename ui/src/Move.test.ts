// The Move accounts dialog against a fake Rust backend: QR codes for a phone (asked first, hidden on blur and
// after 60 seconds, paged), the verified checklist, scanning another app's export, the re-link checklist with
// its guarded removal of the old entry, and the lost-phone help.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { AccountView } from './lib/bindings/AccountView';
import type { MoveProgress } from './lib/bindings/MoveProgress';
import type { TransferCodes } from './lib/bindings/TransferCodes';
import {
  account,
  callsTo,
  emitAccounts,
  emitCodes,
  fakeBackend,
  moveCommands,
  PERIOD_START_MS,
  scanned,
  scanReport,
  snapshot,
  totpCode,
  transferCode,
} from './test/backend';

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice', addedAt: 1_700_000_000 });
const gitlab = account({ id: 'gl', issuer: 'GitLab', name: 'alice', addedAt: 1_700_000_100 });
const bank = account({ id: 'bk', issuer: 'Bank', name: 'bob', addedAt: 1_700_000_200 });
const codes = snapshot([
  totpCode('gh', '123456', '789012'),
  totpCode('gl', '234567', '890123'),
  totpCode('bk', '345678', '901234'),
]);

/** One code per account, as transfer_codes answers in "single" mode. */
function singleCodes(accounts: AccountView[]): TransferCodes {
  return { codes: accounts.map((a) => transferCode(`${a.issuer} (${a.name})`, [a.id])), leftOut: [] };
}

/** Google Authenticator transfer codes: four of them. */
const googleCodes: TransferCodes = {
  codes: [
    transferCode('QR 1 of 4', ['gh']),
    transferCode('QR 2 of 4', ['gl']),
    transferCode('QR 3 of 4', ['bk']),
    transferCode('QR 4 of 4', ['gh']),
  ],
  leftOut: [],
};

type State = { accounts: AccountView[]; progress?: MoveProgress };

async function renderApp(
  state: State = { accounts: [github, gitlab, bank] },
  handlers: Parameters<typeof fakeBackend>[1] = {},
) {
  const calls = fakeBackend(
    { ...state, codes },
    { ...moveCommands(state), transfer_codes: ({ ids }) => singleCodes(state.accounts.filter((a) => (ids as string[]).includes(a.id))), ...handlers },
  );
  render(App);
  if (state.accounts.length > 0) await screen.findAllByTestId('account-row');
  else await screen.findByTestId('empty-state');
  return calls;
}

async function openMove(tab?: string): Promise<HTMLElement> {
  await userEvent.click(screen.getByTestId('move-button'));
  const dialog = await screen.findByTestId('move-dialog');
  if (tab) await userEvent.click(within(dialog).getByTestId(`move-tab-${tab}`));
  return dialog;
}

/** Asks for the codes and confirms. */
async function showCodes(): Promise<void> {
  await userEvent.click(screen.getByTestId('transfer-show'));
  await userEvent.click(screen.getByTestId('show-codes-confirm'));
  await screen.findByTestId('transfer-qr');
}

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the Move dialog', () => {
  it('opens from the header on "To a phone", with tabs the arrow keys move between', async () => {
    await renderApp();
    const button = screen.getByTestId('move-button');
    expect(button).toHaveAccessibleName('Move accounts');
    button.focus();
    await userEvent.keyboard('{Enter}');
    const dialog = await screen.findByTestId('move-dialog');
    expect(dialog).toHaveAccessibleName('Move accounts');
    const toPhone = within(dialog).getByTestId('move-tab-to-phone');
    expect(toPhone).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(toPhone).toHaveFocus());

    await userEvent.keyboard('{ArrowRight}');
    const fromPhone = within(dialog).getByTestId('move-tab-from-phone');
    expect(fromPhone).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(fromPhone).toHaveFocus());
    expect(within(dialog).getByRole('tabpanel')).toHaveAccessibleName('From a phone');
    await userEvent.keyboard('{End}');
    expect(within(dialog).getByTestId('move-tab-lost')).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{ArrowRight}');
    expect(toPhone).toHaveAttribute('aria-selected', 'true');
  });

  it('opens from the empty state on "From a phone"; with no accounts there is nothing to move', async () => {
    await renderApp({ accounts: [] });
    const link = screen.getByTestId('empty-move-button');
    expect(link).toHaveTextContent('Moving from another app? Import or scan its export');
    await userEvent.click(link);
    const dialog = await screen.findByTestId('move-dialog');
    expect(within(dialog).getByTestId('move-tab-from-phone')).toHaveAttribute('aria-selected', 'true');
    expect(within(dialog).getByTestId('import-button')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByTestId('move-tab-to-phone'));
    expect(within(dialog).getByTestId('move-empty')).toHaveTextContent('Nothing to move yet');
    expect(within(dialog).queryByTestId('transfer-show')).not.toBeInTheDocument();
  });
});

describe('moving accounts to a phone', () => {
  it('asks before showing any secret, then shows the chosen accounts one QR code at a time', async () => {
    const calls = await renderApp();
    await openMove();
    await userEvent.click(screen.getByTestId('move-some'));
    await userEvent.click(screen.getByTestId('move-account-gl'));
    await userEvent.click(screen.getByTestId('move-account-gh'));
    await userEvent.click(screen.getByTestId('transfer-show'));

    expect(screen.getByTestId('move-panel-to-phone')).toHaveTextContent(
      'Show secrets on screen? Anyone who sees or photographs these codes can copy your accounts',
    );
    expect(callsTo(calls, 'transfer_codes')).toEqual([]);
    await waitFor(() => expect(screen.getByTestId('show-codes-cancel')).toHaveFocus());
    await userEvent.click(screen.getByTestId('show-codes-cancel'));
    expect(screen.queryByTestId('transfer-qr')).not.toBeInTheDocument();
    expect(callsTo(calls, 'transfer_codes')).toEqual([]);

    await showCodes();
    expect(callsTo(calls, 'transfer_codes')).toEqual([{ ids: ['gh', 'gl'], mode: 'single' }]);
    const qr = screen.getByTestId('transfer-qr');
    const svg = singleCodes([github]).codes[0].svg;
    expect(qr).toHaveAttribute('src', 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg));
    expect(qr).toHaveAccessibleName('QR code: GitHub (alice)');
    expect(screen.getByTestId('transfer-qr-title')).toHaveTextContent('GitHub (alice)');
    expect(screen.getByTestId('transfer-qr-position')).toHaveTextContent('QR 1 of 2');
    expect(screen.getByTestId('transfer-countdown')).toHaveTextContent('Hidden in 60 s');
  });

  it('pages through Google Authenticator transfer codes: "QR 2 of 4", previous and next', async () => {
    const calls = await renderApp(undefined, { transfer_codes: () => googleCodes });
    await openMove();
    await userEvent.click(screen.getByTestId('move-mode-google'));
    await showCodes();
    expect(callsTo(calls, 'transfer_codes')).toEqual([{ ids: ['gh', 'gl', 'bk'], mode: 'google' }]);

    const title = screen.getByTestId('transfer-qr-title');
    expect(title).toHaveTextContent('QR 1 of 4');
    expect(screen.queryByTestId('transfer-qr-position')).not.toBeInTheDocument(); // the title says it already
    expect(screen.getByTestId('transfer-prev')).toBeDisabled();
    await userEvent.click(screen.getByTestId('transfer-next'));
    expect(title).toHaveTextContent('QR 2 of 4');
    expect(screen.getByTestId('transfer-qr')).toHaveAttribute('src', expect.stringContaining(encodeURIComponent('QR 2 of 4')));
    await userEvent.click(screen.getByTestId('transfer-next'));
    await userEvent.click(screen.getByTestId('transfer-next'));
    expect(title).toHaveTextContent('QR 4 of 4');
    expect(screen.getByTestId('transfer-next')).toBeDisabled();
    await userEvent.click(screen.getByTestId('transfer-prev'));
    expect(title).toHaveTextContent('QR 3 of 4');
    // The checklist under the code is about the accounts in it.
    expect(screen.getByTestId('verify-list')).toHaveTextContent('Bank (bob)');
    expect(screen.getByTestId('verify-list')).not.toHaveTextContent('GitHub');
  });

  it('drops the codes when the window loses focus; showing them again asks again', async () => {
    const calls = await renderApp();
    await openMove();
    await showCodes();
    // A blur of an element inside the page is not the window losing focus.
    fireEvent.blur(screen.getByTestId('transfer-next'));
    expect(screen.getByTestId('transfer-qr')).toBeInTheDocument();

    fireEvent.blur(window);
    await waitFor(() => expect(screen.queryByTestId('transfer-qr')).not.toBeInTheDocument());
    expect(screen.getByTestId('transfer-hidden')).toHaveTextContent('the window lost focus');

    await userEvent.click(screen.getByTestId('transfer-show-again'));
    expect(screen.getByTestId('show-codes-confirm')).toBeInTheDocument();
    expect(callsTo(calls, 'transfer_codes')).toHaveLength(1);
    await userEvent.click(screen.getByTestId('show-codes-confirm'));
    expect(await screen.findByTestId('transfer-qr')).toBeInTheDocument();
    expect(callsTo(calls, 'transfer_codes')).toHaveLength(2);
  });

  it('drops the codes when the window is hidden', async () => {
    await renderApp();
    await openMove();
    await showCodes();
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      await waitFor(() => expect(screen.queryByTestId('transfer-qr')).not.toBeInTheDocument());
      expect(screen.getByTestId('transfer-hidden')).toHaveTextContent('the window was hidden');
    } finally {
      visibility.mockRestore();
    }
  });

  it('counts down and drops the codes after 60 seconds', async () => {
    await renderApp();
    await openMove();
    await userEvent.click(screen.getByTestId('transfer-show'));
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(PERIOD_START_MS + 12_000);
    fireEvent.click(screen.getByTestId('show-codes-confirm'));
    await vi.waitFor(() => expect(screen.getByTestId('transfer-qr')).toBeInTheDocument());
    const countdown = screen.getByTestId('transfer-countdown');
    expect(countdown).toHaveTextContent('Hidden in 60 s');

    vi.advanceTimersByTime(15_000);
    await tick();
    expect(countdown).toHaveTextContent('Hidden in 45 s');
    vi.advanceTimersByTime(44_000);
    await tick();
    expect(countdown).toHaveTextContent('Hidden in 1 s');
    expect(screen.getByTestId('transfer-qr')).toBeInTheDocument();

    vi.advanceTimersByTime(1_000);
    await tick();
    expect(screen.queryByTestId('transfer-qr')).not.toBeInTheDocument();
    expect(screen.getByTestId('transfer-hidden')).toHaveTextContent('hidden after 60 seconds');
  });

  it('records that the phone shows the same code, and remembers it the next time', async () => {
    const state: State = { accounts: [github, gitlab, bank] };
    const calls = await renderApp(state);
    await openMove();
    await showCodes();
    const list = screen.getByTestId('verify-list');
    expect(within(list).getByTestId('verify-code-gh')).toHaveTextContent('123 456');
    const box = within(list).getByTestId('verify-gh');
    expect(box).toHaveAccessibleName('My phone shows the same code for GitHub (alice)');
    expect(box).not.toBeChecked();
    await userEvent.click(box);
    expect(callsTo(calls, 'set_verified')).toEqual([{ id: 'gh', verified: true }]);
    await waitFor(() => expect(list).toHaveTextContent('1 of 1 checked'));
    expect(box).toBeChecked();

    // Once hidden, the whole checklist of the chosen accounts stays.
    await userEvent.click(screen.getByTestId('transfer-hide'));
    expect(screen.getByTestId('verify-gh')).toBeChecked();
    expect(screen.getByTestId('verify-gl')).not.toBeChecked();
    expect(screen.getByTestId('verify-code-bk')).toHaveTextContent('345 678');

    // Closed and opened again (or after a restart): get_moves says what was checked.
    await userEvent.click(screen.getByTestId('move-close'));
    await waitFor(() => expect(screen.queryByTestId('move-dialog')).not.toBeInTheDocument());
    await openMove();
    await userEvent.click(screen.getByTestId('move-some'));
    expect(await screen.findByTestId('move-verified-gh')).toHaveTextContent('on your phone');
    expect(screen.queryByTestId('move-verified-gl')).not.toBeInTheDocument();
    expect(screen.getByTestId('move-verified-count')).toHaveTextContent('1 account already checked on your phone.');
  });
});

describe('moving accounts from a phone', () => {
  it('scans the export from the screen as the header does, and comes back after the review', async () => {
    const transfer = scanned({ token: 't1', issuer: 'Mastodon', name: 'al' });
    const calls = await renderApp(undefined, {
      scan_screen: () => scanReport([transfer], { batch: { scanned: 1, total: 1, message: 'Batch 1 of 1 scanned' } }),
    });
    const dialog = await openMove('from-phone');
    expect(dialog).toHaveTextContent('Transfer accounts');
    await userEvent.click(within(dialog).getByTestId('move-scan-screen'));
    expect(callsTo(calls, 'scan_screen')).toEqual([{}]);
    const review = await screen.findByTestId('scan-review-dialog');
    expect(within(review).getByTestId('scan-issuer')).toHaveTextContent('Mastodon');
    expect(screen.queryByTestId('move-dialog')).not.toBeInTheDocument();

    await userEvent.click(within(review).getByTestId('scan-close'));
    expect(await screen.findByTestId('move-dialog')).toBeInTheDocument();
    expect(screen.getByTestId('move-tab-from-phone')).toHaveAttribute('aria-selected', 'true');
    // Closing it for good does not bring it back.
    await userEvent.click(screen.getByTestId('move-close'));
    await waitFor(() => expect(screen.queryByTestId('move-dialog')).not.toBeInTheDocument());
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('move-dialog')).not.toBeInTheDocument();
  });

  it('opens the camera and the open dialog as the header does', async () => {
    const calls = await renderApp(undefined, { list_cameras: () => [], open_image_files: () => false });
    await openMove('from-phone');
    await userEvent.click(screen.getByTestId('move-scan-file'));
    await waitFor(() => expect(callsTo(calls, 'open_image_files')).toEqual([{}]));
    await userEvent.click(screen.getByTestId('move-scan-camera'));
    expect(await screen.findByTestId('camera-dialog')).toBeInTheDocument();
    await userEvent.click(await screen.findByTestId('camera-close'));
    expect(await screen.findByTestId('move-dialog')).toBeInTheDocument();
  });
});

describe('re-linking an account', () => {
  const now = 1_740_830_000;
  const newGithub = account({ id: 'gh2', issuer: 'GitHub', name: 'alice', addedAt: now + 60 });
  const other = account({ id: 'ot', issuer: 'Other', name: 'x', addedAt: now + 120 });

  it('walks the checklist and removes the old entry only when allowed, after a confirmation', async () => {
    const state: State = { accounts: [github, gitlab] };
    const calls = await renderApp(state);
    await openMove('relink');
    await userEvent.selectOptions(screen.getByTestId('relink-account'), 'gh');
    await userEvent.click(screen.getByTestId('relink-start'));
    expect(callsTo(calls, 'start_relink')).toEqual([{ id: 'gh' }]);
    const card = await screen.findByTestId('relink-gh');
    expect(card).toHaveTextContent('Re-linking GitHub (alice)');
    const remove = within(card).getByTestId('relink-remove-old');
    expect(remove).toBeDisabled();

    await userEvent.click(within(card).getByTestId('relink-step-sign_in'));
    await userEvent.click(within(card).getByTestId('relink-step-turn_off'));
    expect(callsTo(calls, 'set_relink_step')).toEqual([
      { id: 'gh', step: 'sign_in', done: true },
      { id: 'gh', step: 'turn_off', done: true },
    ]);
    await waitFor(() => expect(within(card).getByTestId('relink-step-turn_off')).toBeChecked());
    expect(within(card).getByTestId('relink-no-new')).toBeInTheDocument();

    // The new code was scanned and saved: it (and another account added meanwhile) can be chosen, same issuer first.
    state.accounts = [github, gitlab, other, newGithub];
    await emitAccounts(state.accounts);
    await emitCodes(snapshot([...codes.codes, totpCode('gh2', '112233', '445566'), totpCode('ot', '000111', '222333')]));
    const select = (await within(card).findByTestId('relink-new')) as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['', 'gh2', 'ot']);
    await userEvent.selectOptions(select, 'gh2');
    expect(callsTo(calls, 'set_relink_new')).toEqual([{ id: 'gh', newId: 'gh2' }]);
    expect(await within(card).findByTestId('relink-new-code')).toHaveTextContent('112 233');
    expect(remove).toBeDisabled(); // its code is not entered on the site yet

    await userEvent.click(within(card).getByTestId('relink-step-enter_code'));
    await waitFor(() => expect(remove).toBeEnabled());
    await userEvent.click(remove);
    expect(card).toHaveTextContent('Remove the old entry for GitHub (alice)? The new one stays.');
    await userEvent.click(within(card).getByTestId('relink-remove-cancel'));
    expect(callsTo(calls, 'finish_relink')).toEqual([]);

    await userEvent.click(within(card).getByTestId('relink-remove-old'));
    await userEvent.click(within(card).getByTestId('relink-remove-confirm'));
    expect(callsTo(calls, 'finish_relink')).toEqual([{ id: 'gh' }]);
    await waitFor(() => expect(screen.queryByTestId('relink-gh')).not.toBeInTheDocument());
    await userEvent.click(screen.getByTestId('move-close'));
    await waitFor(() => expect(screen.queryByTestId('move-dialog')).not.toBeInTheDocument());
    expect(screen.getAllByTestId('account-row').map((r) => r.dataset.id)).toEqual(['gl', 'ot', 'gh2']);
  });

  it('picks up a checklist left half done (kept by Rust across restarts) and opens the new backup codes', async () => {
    const state: State = {
      accounts: [github, newGithub],
      progress: {
        verified: [],
        relinks: [{ id: 'gh', label: 'GitHub (alice)', steps: ['sign_in', 'turn_off', 'turn_on', 'scan'], newId: 'gh2', startedAt: now }],
      },
    };
    await renderApp(state, { backup_walkthrough_wanted: () => true });
    await openMove('relink');
    const card = await screen.findByTestId('relink-gh');
    expect(
      ['sign_in', 'turn_off', 'turn_on', 'scan', 'enter_code', 'backup_codes'].map(
        (s) => (within(card).getByTestId(`relink-step-${s}`) as HTMLInputElement).checked,
      ),
    ).toEqual([true, true, true, true, false, false]);
    expect((within(card).getByTestId('relink-new') as HTMLSelectElement).value).toBe('gh2');

    await userEvent.click(within(card).getByTestId('relink-backup'));
    const walkthrough = await screen.findByTestId('backup-walkthrough');
    expect(walkthrough).toHaveAccessibleName('Backup codes for GitHub (alice)');
    expect(screen.queryByTestId('move-dialog')).not.toBeInTheDocument();
    await userEvent.click(within(walkthrough).getByTestId('backup-walkthrough-skip'));
    expect(await screen.findByTestId('move-dialog')).toBeInTheDocument();
    expect(screen.getByTestId('move-tab-relink')).toHaveAttribute('aria-selected', 'true');
  });

  it('shows Rust refusing to remove the old entry, and stopping forgets the checklist only', async () => {
    const state: State = {
      accounts: [github],
      progress: { verified: [], relinks: [{ id: 'gh', label: 'GitHub (alice)', steps: [], newId: null, startedAt: now }] },
    };
    const calls = await renderApp(state);
    await openMove('relink');
    const card = await screen.findByTestId('relink-gh');
    await userEvent.click(within(card).getByTestId('relink-cancel'));
    expect(callsTo(calls, 'cancel_relink')).toEqual([{ id: 'gh' }]);
    await waitFor(() => expect(screen.queryByTestId('relink-gh')).not.toBeInTheDocument());
    expect(callsTo(calls, 'delete_account')).toEqual([]);
    expect(screen.getByTestId('relink-account')).toHaveTextContent('GitHub (alice)');
  });
});

describe('lost phone', () => {
  it('uses a stored backup code, says what to do next and starts the re-link', async () => {
    const withCodes = account({
      id: 'gh',
      issuer: 'GitHub',
      name: 'alice',
      backup: {
        codes: { total: 10, left: 8, storedAt: 1_740_000_000, offlinePlace: null, offlineConfirmedAt: null },
        risks: ['not_offline'],
      },
    });
    const calls = await renderApp({ accounts: [withCodes, gitlab] }, { use_backup_code: () => ({ left: 7, total: 10 }) });
    await openMove('lost');
    expect(screen.getByTestId('lost-left-gh')).toHaveTextContent('8 codes left');
    expect(screen.getByTestId('lost-without')).toHaveTextContent(
      "GitLab (alice) no backup codes in Tock: use the site's account recovery",
    );
    expect(screen.queryByTestId('lost-use-gl')).not.toBeInTheDocument();

    await userEvent.click(screen.getByTestId('lost-use-gh'));
    expect(callsTo(calls, 'use_backup_code')).toEqual([{ id: 'gh', code: null }]);
    expect(await screen.findByTestId('copied-toast')).toHaveTextContent('Backup code copied: 7 of 10 left');
    expect(screen.getByTestId('lost-next-gh')).toHaveTextContent('sign in to the site with it');

    await userEvent.click(screen.getByTestId('lost-relink-gh'));
    expect(callsTo(calls, 'start_relink')).toEqual([{ id: 'gh' }]);
    expect(await screen.findByTestId('relink-gh')).toBeInTheDocument();
    expect(screen.getByTestId('move-tab-relink')).toHaveAttribute('aria-selected', 'true');
  });
});
