// Enrolment by QR code: scanning the screen, the clipboard or dropped files, and the review dialog.
import { emit } from '@tauri-apps/api/event';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { ScanReport } from './lib/bindings/ScanReport';
import { formatAdded } from './lib/format';
import {
  account,
  callsTo,
  deferred,
  emitScanError,
  emitScanReport,
  fakeBackend,
  PERIOD_START_MS,
  savedAccount,
  scanned,
  scanReport,
  snapshot,
  totpCode,
} from './test/backend';

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice@example.com', addedAt: 1_700_000_000 });
const codes = snapshot([totpCode('gh', '123456', '789012')]);

const carol = scanned({ token: 't-carol', issuer: 'Example', name: 'carol@example.com', firstCode: '246810' });
const dave = scanned({ token: 't-dave', issuer: 'Mastodon', name: 'dave', firstCode: '13572468', digits: 8 });

/** A scan of the site's QR code again: same issuer and name as the GitHub account. */
const githubAgain = scanned({
  token: 't-gh2',
  issuer: 'GitHub',
  name: 'alice@example.com',
  firstCode: '975310',
  duplicates: [github],
});

function rowIds(): string[] {
  return screen.queryAllByTestId('account-row').map((r) => r.dataset.id!);
}

function cards(): HTMLElement[] {
  return screen.queryAllByTestId('scan-account');
}

function review(): HTMLElement {
  return screen.getByTestId('scan-review-dialog');
}

async function reviewClosed(): Promise<void> {
  await waitFor(() => expect(screen.queryByTestId('scan-review-dialog')).not.toBeInTheDocument());
}

/** Saves return an AccountView built from the scanned account (ids "new-1", "new-2", …). */
function saveHandler() {
  let n = 0;
  const byToken = new Map<string, ReturnType<typeof scanned>>();
  return {
    know: (...list: Array<ReturnType<typeof scanned>>) => list.forEach((s) => byToken.set(s.token, s)),
    save_scanned: (args: Record<string, unknown>) => savedAccount(byToken.get(args.token as string)!, `new-${++n}`),
  };
}

async function renderApp(accounts = [github], handlers: Parameters<typeof fakeBackend>[1] = {}) {
  const calls = fakeBackend({ accounts, codes }, handlers);
  render(App);
  if (accounts.length > 0) await screen.findAllByTestId('account-row');
  else await screen.findByTestId('empty-state');
  return calls;
}

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('scanning the screen', () => {
  it('shows a busy button, then the account with its first code, and saves it', async () => {
    const pendingScan = deferred<ScanReport>();
    const saves = saveHandler();
    saves.know(carol);
    const calls = await renderApp([github], {
      scan_screen: () => pendingScan.promise,
      save_scanned: saves.save_scanned,
    });

    const button = screen.getByTestId('scan-screen-button');
    expect(button).toHaveTextContent('Scan QR');
    expect(button).toHaveAttribute('aria-keyshortcuts', 'Control+Shift+S');
    await userEvent.click(button);
    expect(callsTo(calls, 'scan_screen')).toEqual([{}]);
    expect(button).toHaveTextContent('Scanning screen…');
    expect(button).toHaveAttribute('aria-busy', 'true');
    // A second click while scanning does not start another scan.
    await userEvent.click(button);
    expect(callsTo(calls, 'scan_screen')).toHaveLength(1);

    pendingScan.resolve(scanReport([carol]));
    const dialog = await screen.findByTestId('scan-review-dialog');
    expect(button).toHaveTextContent('Scan QR');
    expect(button).toHaveAttribute('aria-busy', 'false');
    expect(dialog).toHaveAttribute('open');
    expect(dialog).toHaveAccessibleName('Scanned the screen');
    expect(cards()).toHaveLength(1);
    const card = cards()[0];
    expect(within(card).getByTestId('scan-issuer')).toHaveTextContent('Example');
    expect(within(card).getByTestId('scan-issuer').tagName).toBe('STRONG');
    expect(within(card).getByTestId('scan-name')).toHaveTextContent('carol@example.com');
    const first = within(card).getByTestId('scan-first-code');
    expect(first.textContent).toBe('246 810');
    expect(first).toHaveAttribute('aria-label', 'Code 2 4 6, 8 1 0');
    expect(card).toHaveTextContent('Enter this code on the site to finish turning on two-factor authentication.');
    expect(within(card).queryByTestId('scan-duplicate')).not.toBeInTheDocument();
    expect(within(card).queryByTestId('scan-replace')).not.toBeInTheDocument();
    expect(screen.queryByTestId('scan-save-all')).not.toBeInTheDocument();
    // Saving is one keypress away.
    const save = within(card).getByTestId('scan-save');
    await waitFor(() => expect(save).toHaveFocus());
    expect(save).toHaveAccessibleName('Save Example (carol@example.com)');

    await userEvent.click(save);
    expect(callsTo(calls, 'save_scanned')).toEqual([{ token: 't-carol', replace: false }]);
    await reviewClosed();
    // Shown at once from the answer, before Rust's accounts-changed.
    expect(rowIds()).toEqual(['gh', 'new-1']);
    expect(screen.getByTestId('add-success')).toHaveTextContent(
      'Added Example (carol@example.com). Enter the current code on the site to finish turning on two-factor authentication.',
    );
    // A saved account is not discarded when the dialog closes.
    expect(callsTo(calls, 'discard_scanned')).toEqual([]);
  });

  it('scans with Ctrl+Shift+S', async () => {
    const calls = await renderApp([github], { scan_screen: () => scanReport([carol]) });
    screen.getAllByTestId('account-row')[0].focus();
    await userEvent.keyboard('{Control>}{Shift>}s{/Shift}{/Control}');
    expect(callsTo(calls, 'scan_screen')).toEqual([{}]);
    expect(await screen.findByTestId('scan-review-dialog')).toBeInTheDocument();
    expect(screen.queryByTestId('add-dialog')).not.toBeInTheDocument();
  });

  it('flags algorithm, digits and period that differ from the usual ones', async () => {
    const unusual = scanned({ token: 't-u', algorithm: 'SHA256', digits: 8, period: 60, firstCode: '12345678' });
    const usual = scanned({ token: 't-d', issuer: 'Plain', firstCode: '111222' });
    await renderApp([github], { scan_screen: () => scanReport([unusual, usual]) });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await screen.findByTestId('scan-review-dialog');
    const [first, second] = cards();

    const params = within(first).getAllByTestId('scan-param');
    expect(params.map((p) => p.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'SHA256non-default',
      '8 digitsnon-default',
      'every 60 snon-default',
    ]);
    params.forEach((p) => expect(p).toHaveClass('non-default'));
    expect(within(first).getByTestId('scan-first-code').textContent).toBe('1234 5678');

    const plain = within(second).getAllByTestId('scan-param');
    expect(plain.map((p) => p.textContent?.trim())).toEqual(['SHA1', '6 digits', 'every 30 s']);
    plain.forEach((p) => expect(p).not.toHaveClass('non-default'));
    expect(second).not.toHaveTextContent('non-default');
  });

  it('shows notes for QR codes that are not for two-factor authentication', async () => {
    const note = 'Found a QR code that is not for two-factor authentication (https://example.com/menu).';
    const calls = await renderApp([github], {
      scan_screen: () => scanReport([], { notes: [note] }),
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    const dialog = await screen.findByTestId('scan-review-dialog');
    expect(within(dialog).getAllByTestId('scan-note').map((n) => n.textContent)).toEqual([note]);
    expect(cards()).toEqual([]);
    expect(screen.queryByTestId('scan-save')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('scan-close')).toHaveFocus());
    await userEvent.click(screen.getByTestId('scan-close'));
    await reviewClosed();
    expect(callsTo(calls, 'discard_scanned')).toEqual([]);
  });

  it('drops the "nothing found" note once a new scan finds the code', async () => {
    const nothing = 'No QR code was found in the screen; make sure the whole code is visible, not too small, and try again.';
    let attempt = 0;
    const calls = await renderApp([github], {
      scan_screen: () => (++attempt <= 2 ? scanReport([], { notes: [nothing] }) : scanReport([carol])),
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    expect(await screen.findByTestId('scan-note')).toHaveTextContent(nothing);
    // Still nothing: the focus stays on the button, and the result is announced.
    await userEvent.click(screen.getByTestId('scan-again'));
    await waitFor(() => expect(screen.getByText(nothing, { selector: '[role="status"]' })).toBeInTheDocument());
    expect(screen.getByTestId('scan-again')).toHaveFocus();
    expect(screen.getAllByTestId('scan-note')).toHaveLength(1);
    await userEvent.click(screen.getByTestId('scan-again'));
    await waitFor(() => expect(cards()).toHaveLength(1));
    expect(callsTo(calls, 'scan_screen')).toHaveLength(3);
    expect(screen.queryByTestId('scan-note')).not.toBeInTheDocument();
    expect(screen.queryByTestId('scan-again')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('scan-save')).toHaveFocus());
  });

  it('shows a failed screen capture in the alert banner', async () => {
    await renderApp([github], {
      scan_screen: () => Promise.reject({ code: 'invalid_input', message: 'The screen could not be captured.' }),
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('The screen could not be captured.');
    expect(screen.queryByTestId('scan-review-dialog')).not.toBeInTheDocument();
    expect(screen.getByTestId('scan-screen-button')).toHaveTextContent('Scan QR');
  });

  it('offers Scan QR in the empty state', async () => {
    const calls = await renderApp([], { scan_screen: () => scanReport([carol]) });
    const empty = screen.getByTestId('empty-state');
    expect(empty).toHaveTextContent(
      "or press Scan QR with the site's QR code visible on screen, or drop a screenshot here",
    );
    await userEvent.click(within(empty).getByTestId('empty-scan-button'));
    expect(callsTo(calls, 'scan_screen')).toEqual([{}]);
    expect(await screen.findByTestId('scan-review-dialog')).toBeInTheDocument();
  });
});

describe('duplicates', () => {
  it('lists the accounts it duplicates with when they were added, and Replace replaces them', async () => {
    const saves = saveHandler();
    saves.know(githubAgain);
    const calls = await renderApp([github], {
      scan_screen: () => scanReport([githubAgain]),
      save_scanned: saves.save_scanned,
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await screen.findByTestId('scan-review-dialog');
    const card = cards()[0];
    const duplicate = within(card).getByTestId('scan-duplicate');
    expect(duplicate).toHaveTextContent('GitHub (alice@example.com)');
    expect(duplicate).toHaveTextContent(`Added ${formatAdded(github.addedAt)}`);
    expect(card).toHaveTextContent(
      "You already have this account. If you scanned the site's QR code again, only the newest scan is linked: the site accepts codes from that one.",
    );
    expect(within(card).queryByTestId('scan-save')).not.toBeInTheDocument();
    expect(within(card).getByTestId('scan-keep-both')).toBeInTheDocument();
    expect(within(card).getByTestId('scan-discard')).toHaveTextContent('Cancel');
    // The non-destructive choice has the focus.
    await waitFor(() => expect(within(card).getByTestId('scan-keep-both')).toHaveFocus());

    await userEvent.click(within(card).getByTestId('scan-replace'));
    expect(callsTo(calls, 'save_scanned')).toEqual([{ token: 't-gh2', replace: true }]);
    await reviewClosed();
    expect(rowIds()).toEqual(['new-1']);
    expect(screen.getByTestId('add-success')).toHaveTextContent(
      'Replaced GitHub (alice@example.com) with the new scan. Enter the current code on the site',
    );
    expect(callsTo(calls, 'discard_scanned')).toEqual([]);
  });

  it('keeps both', async () => {
    const saves = saveHandler();
    saves.know(githubAgain);
    const calls = await renderApp([github], {
      scan_screen: () => scanReport([githubAgain]),
      save_scanned: saves.save_scanned,
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await userEvent.click(await screen.findByTestId('scan-keep-both'));
    expect(callsTo(calls, 'save_scanned')).toEqual([{ token: 't-gh2', replace: false }]);
    await reviewClosed();
    expect(rowIds()).toEqual(['gh', 'new-1']);
  });

  it('Cancel discards the scanned account and keeps the old one', async () => {
    const calls = await renderApp([github], { scan_screen: () => scanReport([githubAgain]) });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await userEvent.click(await screen.findByTestId('scan-discard'));
    expect(callsTo(calls, 'discard_scanned')).toEqual([{ token: 't-gh2' }]);
    await reviewClosed();
    expect(callsTo(calls, 'save_scanned')).toEqual([]);
    expect(rowIds()).toEqual(['gh']);
    // Closing did not discard it a second time.
    expect(callsTo(calls, 'discard_scanned')).toHaveLength(1);
  });

  it('offers no Save all when an account has duplicates', async () => {
    await renderApp([github], { scan_screen: () => scanReport([githubAgain, carol]) });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await screen.findByTestId('scan-review-dialog');
    expect(cards()).toHaveLength(2);
    expect(screen.queryByTestId('scan-save-all')).not.toBeInTheDocument();
  });
});

describe('several accounts', () => {
  it('saves one, then closing discards the others', async () => {
    const saves = saveHandler();
    saves.know(carol, dave);
    const calls = await renderApp([github], {
      scan_screen: () => scanReport([carol, dave]),
      save_scanned: saves.save_scanned,
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await screen.findByTestId('scan-review-dialog');
    await userEvent.click(within(cards()[0]).getByTestId('scan-save'));
    await waitFor(() => expect(within(cards()[0]).getByTestId('scan-saved')).toHaveTextContent('Saved'));
    // Still open for the other one, which now has the focus; the saved one keeps its code on screen.
    expect(review()).toHaveAttribute('open');
    expect(within(cards()[0]).getByTestId('scan-first-code').textContent).toBe('246 810');
    await waitFor(() => expect(within(cards()[1]).getByTestId('scan-save')).toHaveFocus());
    expect(rowIds()).toEqual(['gh', 'new-1']);

    await userEvent.click(screen.getByTestId('scan-close'));
    await reviewClosed();
    expect(callsTo(calls, 'discard_scanned')).toEqual([{ token: 't-dave' }]);
    expect(callsTo(calls, 'save_scanned')).toEqual([{ token: 't-carol', replace: false }]);
  });

  it('closing with Close discards every unsaved account', async () => {
    const calls = await renderApp([github], { scan_screen: () => scanReport([carol, dave]) });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await screen.findByTestId('scan-review-dialog');
    await userEvent.click(screen.getByTestId('scan-close'));
    await reviewClosed();
    expect(callsTo(calls, 'discard_scanned')).toEqual([{ token: 't-carol' }, { token: 't-dave' }]);
    expect(callsTo(calls, 'save_scanned')).toEqual([]);
    expect(rowIds()).toEqual(['gh']);
  });

  it('closing with Escape (the dialog closed by the browser) discards them too', async () => {
    const calls = await renderApp([github], { scan_screen: () => scanReport([carol, dave]) });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    const dialog = (await screen.findByTestId('scan-review-dialog')) as HTMLDialogElement;
    dialog.close(); // what Escape does to a modal <dialog> (jsdom has no Escape handling of its own)
    await reviewClosed();
    expect(callsTo(calls, 'discard_scanned')).toEqual([{ token: 't-carol' }, { token: 't-dave' }]);
  });

  it('discarding one moves on to the next, and discarding the last closes', async () => {
    const calls = await renderApp([github], { scan_screen: () => scanReport([carol, dave]) });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await screen.findByTestId('scan-review-dialog');
    await userEvent.click(within(cards()[0]).getByTestId('scan-discard'));
    await waitFor(() => expect(cards()).toHaveLength(1));
    expect(within(cards()[0]).getByTestId('scan-issuer')).toHaveTextContent('Mastodon');
    await waitFor(() => expect(within(cards()[0]).getByTestId('scan-save')).toHaveFocus());
    await userEvent.click(within(cards()[0]).getByTestId('scan-discard'));
    await reviewClosed();
    expect(callsTo(calls, 'discard_scanned')).toEqual([{ token: 't-carol' }, { token: 't-dave' }]);
  });

  it('saves all at once', async () => {
    const saves = saveHandler();
    saves.know(carol, dave);
    const calls = await renderApp([github], {
      scan_screen: () => scanReport([carol, dave]),
      save_scanned: saves.save_scanned,
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    const saveAll = await screen.findByTestId('scan-save-all');
    expect(saveAll).toHaveTextContent('Save all (2)');
    await userEvent.click(saveAll);
    expect(callsTo(calls, 'save_scanned')).toEqual([
      { token: 't-carol', replace: false },
      { token: 't-dave', replace: false },
    ]);
    await reviewClosed();
    expect(rowIds()).toEqual(['gh', 'new-1', 'new-2']);
    expect(screen.getByTestId('add-success')).toHaveTextContent('Added 2 accounts.');
    expect(callsTo(calls, 'discard_scanned')).toEqual([]);
  });

  it('saves once however often Save is pressed while saving', async () => {
    const pendingSave = deferred<ReturnType<typeof savedAccount>>();
    const calls = await renderApp([github], {
      scan_screen: () => scanReport([carol]),
      save_scanned: () => pendingSave.promise,
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    const save = await screen.findByTestId('scan-save');
    await userEvent.click(save);
    expect(save).toHaveAttribute('aria-disabled', 'true');
    expect(save).toHaveFocus();
    await userEvent.click(save);
    await userEvent.click(screen.getByTestId('scan-discard'));
    expect(callsTo(calls, 'save_scanned')).toHaveLength(1);
    expect(callsTo(calls, 'discard_scanned')).toEqual([]);
    pendingSave.resolve(savedAccount(carol, 'new-1'));
    await reviewClosed();
    expect(rowIds()).toEqual(['gh', 'new-1']);
  });

  it('keeps the dialog open and shows why saving failed', async () => {
    const calls = await renderApp([github], {
      scan_screen: () => scanReport([carol]),
      save_scanned: () => Promise.reject({ code: 'keychain', message: 'The keychain is locked.' }),
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await userEvent.click(await screen.findByTestId('scan-save'));
    const error = await screen.findByTestId('scan-save-error');
    expect(error).toHaveTextContent('The keychain is locked.');
    expect(error).toHaveAttribute('role', 'alert');
    expect(review()).toHaveAttribute('open');
    expect(screen.getByTestId('scan-save')).toBeEnabled();
    expect(screen.getByTestId('scan-save')).toHaveFocus();
    expect(rowIds()).toEqual(['gh']);
    // Closing now discards it: it was not saved.
    await userEvent.click(screen.getByTestId('scan-close'));
    await reviewClosed();
    expect(callsTo(calls, 'discard_scanned')).toEqual([{ token: 't-carol' }]);
  });
});

describe('transfer exports of several QR codes', () => {
  const first = scanned({ token: 't-b1', issuer: 'Dropbox', name: 'erin', firstCode: '101010' });
  const second = scanned({ token: 't-b2', issuer: 'Slack', name: 'erin', firstCode: '202020' });
  const batch1 = scanReport([first], {
    batch: { scanned: 1, total: 2, message: 'Batch 1 of 2 scanned: show the next code and scan again, or save what you have' },
  });
  const batch2 = scanReport([second], {
    batch: { scanned: 2, total: 2, message: 'All 2 transfer codes scanned' },
  });

  it('shows the progress and scans the next code into the same review', async () => {
    let attempt = 0;
    const saves = saveHandler();
    saves.know(first, second);
    const calls = await renderApp([github], {
      scan_screen: () => (++attempt === 1 ? batch1 : batch2),
      save_scanned: saves.save_scanned,
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    const progress = await screen.findByTestId('scan-batch');
    expect(progress).toHaveTextContent('Batch 1 of 2 scanned');
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('value', '1');
    expect(cards()).toHaveLength(1);
    // Accounts moved from another app are already enrolled on their sites.
    expect(cards()[0]).toHaveTextContent('Moved from another authenticator app');

    await userEvent.click(within(progress).getByTestId('scan-next-batch'));
    expect(callsTo(calls, 'scan_screen')).toHaveLength(2);
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(screen.getByTestId('scan-batch')).toHaveTextContent('All 2 transfer codes scanned');
    expect(screen.queryByTestId('scan-next-batch')).not.toBeInTheDocument();
    expect(cards().map((c) => within(c).getByTestId('scan-issuer').textContent)).toEqual(['Dropbox', 'Slack']);

    await userEvent.click(screen.getByTestId('scan-save-all'));
    await reviewClosed();
    expect(callsTo(calls, 'save_scanned')).toEqual([
      { token: 't-b1', replace: false },
      { token: 't-b2', replace: false },
    ]);
    expect(screen.getByTestId('add-success')).toHaveTextContent('Added 2 accounts.');
  });

  it('lets the person save what they have and stays open for the next code', async () => {
    const saves = saveHandler();
    saves.know(first);
    const calls = await renderApp([github], {
      scan_screen: () => batch1,
      save_scanned: saves.save_scanned,
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await userEvent.click(await screen.findByTestId('scan-save'));
    await waitFor(() => expect(screen.getByTestId('scan-saved')).toBeInTheDocument());
    expect(review()).toHaveAttribute('open');
    await waitFor(() => expect(screen.getByTestId('scan-next-batch')).toHaveFocus());
    expect(rowIds()).toEqual(['gh', 'new-1']);
    await userEvent.click(screen.getByTestId('scan-close'));
    await reviewClosed();
    expect(callsTo(calls, 'discard_scanned')).toEqual([]);
  });

  it('shows a failed next scan inside the review', async () => {
    let attempt = 0;
    await renderApp([github], {
      scan_screen: () =>
        ++attempt === 1 ? batch1 : Promise.reject({ code: 'internal', message: 'Scanning failed (no display).' }),
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    await userEvent.click(await screen.findByTestId('scan-next-batch'));
    expect(await within(review()).findByTestId('scan-error')).toHaveTextContent('Scanning failed (no display).');
    expect(cards()).toHaveLength(1);
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();
  });
});

describe('dropped files', () => {
  it('opens the review from a scan-report event, naming the files', async () => {
    const calls = await renderApp([github]);
    await emitScanReport(scanReport([carol], { source: 'qr.png' }));
    const dialog = await screen.findByTestId('scan-review-dialog');
    expect(dialog).toHaveAccessibleName('Scanned qr.png');
    expect(within(dialog).getByTestId('scan-first-code').textContent).toBe('246 810');
    // A second drop while the review is open adds to it.
    await emitScanReport(scanReport([dave], { source: 'other.png' }));
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(dialog).toHaveAccessibleName('Scanned qr.png and other.png');
    await userEvent.click(screen.getByTestId('scan-close'));
    await reviewClosed();
    expect(callsTo(calls, 'discard_scanned')).toEqual([{ token: 't-carol' }, { token: 't-dave' }]);
  });

  it('shows notes about unreadable files', async () => {
    await renderApp([github]);
    await emitScanReport(scanReport([], { source: 'notes.txt', notes: ['Notes.txt: not an image.'] }));
    expect(await screen.findByTestId('scan-note')).toHaveTextContent('Notes.txt: not an image.');
  });

  it('shows a scan-error event in the alert banner', async () => {
    await renderApp([github]);
    await emitScanError({ code: 'internal', message: 'Scanning failed (out of memory).' });
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('Scanning failed (out of memory).');
  });

  it('shows a drop hint while files are dragged over the window', async () => {
    await renderApp([github]);
    expect(screen.queryByTestId('drop-hint')).not.toBeInTheDocument();
    await emit('tauri://drag-enter', { paths: ['/tmp/qr.png'], position: { x: 10, y: 10 } });
    expect(await screen.findByTestId('drop-hint')).toHaveTextContent('Drop a screenshot of the QR code to scan it');
    await emit('tauri://drag-leave', null);
    await waitFor(() => expect(screen.queryByTestId('drop-hint')).not.toBeInTheDocument());
  });
});

describe('image files from the open dialog', () => {
  it('Scan image file… opens the dialog in Rust; the chosen files are scanned like dropped ones', async () => {
    const choosing = deferred<boolean>();
    const calls = await renderApp([github], { open_image_files: () => choosing.promise });
    const button = screen.getByTestId('scan-file-button');
    expect(button).toHaveAccessibleName('Scan image file…');
    expect(button).toHaveAttribute('aria-keyshortcuts', 'Control+O');
    await userEvent.click(button);
    expect(callsTo(calls, 'open_image_files')).toEqual([{}]);
    expect(button).toHaveAttribute('aria-disabled', 'true');
    // A second click while the dialog is open does not open another.
    await userEvent.click(button);
    expect(callsTo(calls, 'open_image_files')).toHaveLength(1);

    // Rust decodes the chosen files and reports as it does for a drop.
    await emit('scan-started', 'qr.png, other.png');
    choosing.resolve(true);
    expect(await screen.findByTestId('scanning-files')).toHaveTextContent('Scanning qr.png, other.png…');
    await waitFor(() => expect(button).toHaveAttribute('aria-disabled', 'false'));
    expect(button).toHaveAttribute('aria-busy', 'true');
    await emitScanReport(scanReport([carol], { source: 'qr.png, other.png' }));
    const dialog = await screen.findByTestId('scan-review-dialog');
    expect(dialog).toHaveAccessibleName('Scanned qr.png, other.png');
    expect(screen.queryByTestId('scanning-files')).not.toBeInTheDocument();
    expect(button).toHaveAttribute('aria-busy', 'false');
  });

  it('opens the dialog with Ctrl+O, not while another dialog is open', async () => {
    const calls = await renderApp([github], { open_image_files: () => false });
    screen.getAllByTestId('account-row')[0].focus();
    await userEvent.keyboard('{Control>}o{/Control}');
    expect(callsTo(calls, 'open_image_files')).toEqual([{}]);
    // Nothing chosen: nothing shown.
    expect(screen.queryByTestId('scanning-files')).not.toBeInTheDocument();
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();

    await userEvent.click(screen.getByTestId('add-button'));
    await screen.findByTestId('add-dialog');
    await userEvent.keyboard('{Control>}o{/Control}');
    expect(callsTo(calls, 'open_image_files')).toHaveLength(1);
  });

  it('shows a failed scan of the chosen files in the alert banner and ends the busy state', async () => {
    await renderApp([github], { open_image_files: () => true });
    await userEvent.click(screen.getByTestId('scan-file-button'));
    await emit('scan-started', 'huge.png');
    expect(await screen.findByTestId('scanning-files')).toHaveTextContent('Scanning huge.png…');
    await emitScanError({ code: 'internal', message: 'Scanning failed (out of memory).' });
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('Scanning failed (out of memory).');
    expect(screen.queryByTestId('scanning-files')).not.toBeInTheDocument();
  });
});

describe('the clipboard', () => {
  const noImage =
    'The clipboard holds no image and no otpauth:// link; copy a screenshot of the QR code, or the link, and try again.';

  it('Paste image in the add dialog shows why the clipboard could not be used', async () => {
    const calls = await renderApp([github], {
      scan_clipboard: () => Promise.reject({ code: 'invalid_input', message: noImage }),
    });
    await userEvent.click(screen.getByTestId('add-button'));
    await userEvent.click(screen.getByTestId('add-scan-clipboard'));
    expect(callsTo(calls, 'scan_clipboard')).toEqual([{}]);
    const error = await screen.findByTestId('add-scan-error');
    expect(error).toHaveTextContent(noImage);
    expect(error).toHaveAttribute('role', 'alert');
    expect(screen.getByTestId('add-dialog')).toHaveAttribute('open');
    expect(screen.queryByTestId('scan-review-dialog')).not.toBeInTheDocument();
  });

  it('Paste image in the add dialog opens the review in its place', async () => {
    await renderApp([github], { scan_clipboard: () => scanReport([carol], { source: 'clipboard' }) });
    await userEvent.click(screen.getByTestId('add-button'));
    await userEvent.click(screen.getByTestId('add-scan-clipboard'));
    const dialog = await screen.findByTestId('scan-review-dialog');
    expect(dialog).toHaveAccessibleName('Scanned the clipboard');
    expect(screen.queryByTestId('add-dialog')).not.toBeInTheDocument();
  });

  it('Scan screen in the add dialog opens the review in its place', async () => {
    const calls = await renderApp([github], { scan_screen: () => scanReport([carol]) });
    await userEvent.click(screen.getByTestId('add-button'));
    await userEvent.click(screen.getByTestId('add-scan-screen'));
    expect(callsTo(calls, 'scan_screen')).toEqual([{}]);
    expect(await screen.findByTestId('scan-review-dialog')).toBeInTheDocument();
    expect(screen.queryByTestId('add-dialog')).not.toBeInTheDocument();
  });

  it('pasting an image outside a text field scans the clipboard', async () => {
    const calls = await renderApp([github], { scan_clipboard: () => scanReport([carol], { source: 'clipboard' }) });
    const paste = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: { getData: () => '', types: ['image/png'] } });
    document.body.dispatchEvent(paste);
    expect(paste.defaultPrevented).toBe(true);
    expect(await screen.findByTestId('scan-review-dialog')).toBeInTheDocument();
    expect(callsTo(calls, 'scan_clipboard')).toEqual([{}]);
    expect(screen.queryByTestId('add-dialog')).not.toBeInTheDocument();
  });

  it('shows the rejection of a pasted non-image in the alert banner', async () => {
    await renderApp([github], {
      scan_clipboard: () => Promise.reject({ code: 'invalid_input', message: noImage }),
    });
    const paste = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: { getData: () => '', types: [] } });
    document.body.dispatchEvent(paste);
    expect(await screen.findByTestId('error-banner')).toHaveTextContent(noImage);
  });

  it('leaves pasting into a text field alone', async () => {
    const calls = await renderApp([github]);
    const search = screen.getByTestId('search-input');
    fireEvent.paste(search, { clipboardData: { getData: () => '', types: ['image/png'] } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(screen.queryByTestId('scan-review-dialog')).not.toBeInTheDocument();
    expect(callsTo(calls, 'scan_clipboard')).toEqual([]);
  });
});
