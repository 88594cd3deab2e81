import { render, screen, waitFor, within, fireEvent } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { formatAdded } from './lib/format';
import {
  account,
  callsTo,
  emitAccounts,
  emitCodes,
  emitExpiring,
  fakeBackend,
  PERIOD_START_MS,
  snapshot,
  totpCode,
} from './test/backend';

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice@example.com', addedAt: 1_700_000_000 });
const gitlab = account({ id: 'gl', issuer: 'GitLab', name: 'alice', digits: 8, addedAt: 1_700_000_500 });
const bank = account({ id: 'bk', issuer: 'Bank', name: 'bob', kind: 'hotp', period: null, counter: 4 });

const codes = snapshot([
  totpCode('gh', '123456', '789012'),
  totpCode('gl', '12345678', '87654321'),
  { id: 'bk', code: '555123', nextCode: null, validFromMs: null, validUntilMs: null },
]);

async function renderWithAccounts() {
  const calls = fakeBackend({ accounts: [github, gitlab, bank], codes });
  render(App);
  await screen.findAllByTestId('account-row');
  await waitFor(() => expect(screen.getAllByTestId('account-code')[0]).toHaveTextContent('123 456'));
  return calls;
}

function row(id: string): HTMLElement {
  const found = screen.getAllByTestId('account-row').find((r) => r.dataset.id === id);
  if (!found) throw new Error(`no row ${id}`);
  return found;
}

function rowIds(): string[] {
  return screen.getAllByTestId('account-row').map((r) => r.dataset.id!);
}

beforeEach(() => {
  // 12 seconds into the 30-second period of the test codes.
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('empty state', () => {
  it('explains the first step when there are no accounts', async () => {
    fakeBackend({ accounts: [] });
    render(App);
    const empty = await screen.findByTestId('empty-state');
    expect(empty).toHaveTextContent(
      'Turn on two-factor authentication on a site, then add the key it shows: paste the otpauth:// link or type the setup key',
    );
    expect(screen.queryByTestId('account-list')).not.toBeInTheDocument();
    await userEvent.click(within(empty).getByRole('button', { name: /add/i }));
    expect(screen.getByTestId('add-dialog')).toHaveAttribute('open');
  });
});

describe('account list', () => {
  it('paints the first rows first and the rest a frame later', async () => {
    const many = Array.from({ length: 45 }, (_, i) => account({ id: `a${i}`, issuer: `Site ${i}`, name: 'me' }));
    let rowsAtFirstPaint = 0;
    fakeBackend(
      { accounts: many, codes: snapshot(many.map((a) => totpCode(a.id, '123456', '654321'))) },
      { ui_painted: () => void (rowsAtFirstPaint = rowIds().length) },
    );
    render(App);
    // The first paint has the rows that fit in a tall window, with their codes; all 45 follow.
    await waitFor(() => expect(rowsAtFirstPaint).toBeGreaterThan(0));
    expect(rowsAtFirstPaint).toBeLessThan(45);
    expect(screen.getAllByTestId('account-code')[0]).toHaveTextContent('123 456');
    await waitFor(() => expect(rowIds()).toHaveLength(45));
    expect(rowIds()[44]).toBe('a44');
  });

  it('shows issuer, name and grouped codes with accessible labels', async () => {
    await renderWithAccounts();
    expect(rowIds()).toEqual(['gh', 'gl', 'bk']);
    const gh = row('gh');
    expect(within(gh).getByTestId('account-issuer')).toHaveTextContent('GitHub');
    expect(within(gh).getByTestId('account-name')).toHaveTextContent('alice@example.com');
    expect(within(gh).getByTestId('account-code').textContent).toBe('123 456');
    expect(within(gh).getByTestId('account-code')).toHaveAttribute('aria-label', 'Code 1 2 3, 4 5 6');
    expect(within(row('gl')).getByTestId('account-code').textContent).toBe('1234 5678');
    expect(gh).toHaveAttribute('title', expect.stringContaining(`Added ${formatAdded(github.addedAt)}`));
  });

  it('tells Rust once the first codes are painted', async () => {
    const calls = await renderWithAccounts();
    await waitFor(() => expect(callsTo(calls, 'ui_painted')).toHaveLength(1));
    const order = calls.map((c) => c.cmd);
    expect(order.indexOf('ui_painted')).toBeGreaterThan(order.indexOf('get_codes'));
  });

  it('animates the ring over the period, starting at the elapsed time', async () => {
    await renderWithAccounts();
    const ring = within(row('gh')).getByTestId('account-ring');
    const drain = ring.querySelector<SVGCircleElement>('circle.fg')!;
    expect(drain.style.animationDuration).toBe('30s');
    expect(drain.style.animationDelay).toBe('-12s');
    expect(ring).not.toHaveClass('warn');
    expect(ring).toHaveAttribute('aria-label', 'Code expires in about 18 seconds');
  });

  it('reveals the next code and warns on the ring when Rust says the code is expiring', async () => {
    await renderWithAccounts();
    expect(within(row('gh')).queryByTestId('account-next-code')).not.toBeInTheDocument();
    await emitExpiring(['gh', 'bk']);
    await waitFor(() => expect(within(row('gh')).getByTestId('account-next-code').textContent).toBe('789 012'));
    expect(within(row('gh')).getByTestId('account-next-code').parentElement).toHaveTextContent('next: 789 012');
    expect(within(row('gh')).getByTestId('account-ring')).toHaveClass('warn');
    expect(within(row('gl')).queryByTestId('account-next-code')).not.toBeInTheDocument();
    expect(within(row('bk')).queryByTestId('account-next-code')).not.toBeInTheDocument();
  });

  it('shows the next code at once when a snapshot arrives in the last 5 seconds', async () => {
    vi.setSystemTime(PERIOD_START_MS + 27_000);
    await renderWithAccounts();
    await waitFor(() => expect(within(row('gh')).getByTestId('account-next-code').textContent).toBe('789 012'));
    expect(within(row('gh')).getByTestId('account-ring')).toHaveClass('warn');
  });

  it('shows HOTP rows without a ring but with a next-code button', async () => {
    const calls = await renderWithAccounts();
    const hotp = row('bk');
    expect(within(hotp).queryByTestId('account-ring')).not.toBeInTheDocument();
    expect(within(hotp).queryByTestId('account-next-code')).not.toBeInTheDocument();
    const next = within(hotp).getByRole('button', { name: /next one \(counter 4\)/ });
    await userEvent.click(next);
    expect(callsTo(calls, 'copy_code')).toEqual([{ id: 'bk' }]);
  });

  it('updates the code and restarts the ring on codes-changed', async () => {
    await renderWithAccounts();
    const oldRing = within(row('gh')).getByTestId('account-ring');
    vi.setSystemTime(PERIOD_START_MS + 30_400);
    await emitCodes(
      snapshot(
        [
          totpCode('gh', '789012', '345678', PERIOD_START_MS + 30_000),
          totpCode('gl', '87654321', '11112222', PERIOD_START_MS + 30_000),
        ],
        PERIOD_START_MS + 30_000,
      ),
    );
    await waitFor(() => expect(within(row('gh')).getByTestId('account-code').textContent).toBe('789 012'));
    const ring = within(row('gh')).getByTestId('account-ring');
    expect(ring).not.toBe(oldRing);
    expect(ring.querySelector<SVGCircleElement>('circle.fg')!.style.animationDelay).toBe('-0.4s');
    // A fresh period: the next code stays hidden until Rust says this one is expiring.
    expect(within(row('gh')).queryByTestId('account-next-code')).not.toBeInTheDocument();
    expect(ring).not.toHaveClass('warn');
  });

  it('keeps a running ring untouched when an unchanged code is re-sent', async () => {
    await renderWithAccounts();
    const ring = within(row('gh')).getByTestId('account-ring');
    vi.setSystemTime(PERIOD_START_MS + 20_000);
    await emitCodes(codes);
    await waitFor(() => expect(within(row('gh')).getByTestId('account-ring')).toBe(ring));
    expect(ring.querySelector<SVGCircleElement>('circle.fg')!.style.animationDelay).toBe('-12s');
  });

  it('follows accounts-changed', async () => {
    await renderWithAccounts();
    await emitAccounts([gitlab, { ...github, issuer: 'GitHub Enterprise' }]);
    await waitFor(() => expect(rowIds()).toEqual(['gl', 'gh']));
    expect(within(row('gh')).getByTestId('account-issuer')).toHaveTextContent('GitHub Enterprise');
  });
});

describe('copying', () => {
  it('copies on click and confirms with a status toast', async () => {
    const calls = await renderWithAccounts();
    await userEvent.click(within(row('gl')).getByTestId('account-code'));
    expect(callsTo(calls, 'copy_code')).toEqual([{ id: 'gl' }]);
    const toast = await screen.findByTestId('copied-toast');
    expect(toast).toHaveTextContent('Copied');
    expect(toast.closest('[role="status"]')).toHaveAttribute('aria-live', 'polite');
  });

  it('copies the focused row with Enter', async () => {
    const calls = await renderWithAccounts();
    row('gh').focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(row('gl')).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(callsTo(calls, 'copy_code')).toEqual([{ id: 'gl' }]);
    expect(await screen.findByTestId('copied-toast')).toBeInTheDocument();
  });

  it('shows a failed copy in a dismissible alert banner', async () => {
    fakeBackend(
      { accounts: [github], codes },
      {
        copy_code: () => {
          throw { code: 'secret_missing', message: 'The secret for this account is missing from the keychain.' };
        },
      },
    );
    render(App);
    await userEvent.click(await screen.findByTestId('account-row'));
    const banner = await screen.findByTestId('error-banner');
    expect(banner).toHaveAttribute('role', 'alert');
    expect(banner).toHaveTextContent('The secret for this account is missing from the keychain.');
    expect(screen.queryByTestId('copied-toast')).not.toBeInTheDocument();
    await userEvent.click(within(banner).getByRole('button', { name: /dismiss/i }));
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();
  });

  it('does not crash when loading fails', async () => {
    fakeBackend(
      { accounts: [] },
      {
        list_accounts: () => Promise.reject({ code: 'storage', message: 'The vault file could not be read.' }),
      },
    );
    render(App);
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('The vault file could not be read.');
  });
});

describe('search', () => {
  it('filters as you type, shows no matches, and Escape clears', async () => {
    await renderWithAccounts();
    const search = screen.getByTestId('search-input');
    await userEvent.type(search, 'git');
    expect(rowIds()).toEqual(['gh', 'gl']);
    await userEvent.type(search, 'hub');
    expect(rowIds()).toEqual(['gh']);
    await userEvent.clear(search);
    await userEvent.type(search, 'bob');
    expect(rowIds()).toEqual(['bk']);
    await userEvent.type(search, 'xyz');
    expect(screen.getByTestId('no-matches')).toBeInTheDocument();
    expect(screen.queryByTestId('empty-state')).not.toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(search).toHaveValue('');
    expect(rowIds()).toEqual(['gh', 'gl', 'bk']);
  });

  it('follows a WebDriver-style clear, which fires change but no input event', async () => {
    await renderWithAccounts();
    const search = screen.getByTestId('search-input') as HTMLInputElement;
    await userEvent.type(search, 'zzz');
    expect(screen.getByTestId('no-matches')).toBeInTheDocument();
    search.value = '';
    fireEvent.change(search);
    await waitFor(() => expect(rowIds()).toEqual(['gh', 'gl', 'bk']));
  });

  it('is focused with Ctrl+F and with /', async () => {
    await renderWithAccounts();
    const search = screen.getByTestId('search-input');
    row('gh').focus();
    await userEvent.keyboard('/');
    expect(search).toHaveFocus();
    expect(search).toHaveValue('');
    row('gh').focus();
    await userEvent.keyboard('{Control>}f{/Control}');
    expect(search).toHaveFocus();
  });
});

describe('adding', () => {
  const uri = 'otpauth://totp/Example:carol@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example';
  const added = account({ id: 'new', issuer: 'Example', name: 'carol@example.com' });
  const preview = {
    issuer: 'Example',
    name: 'carol@example.com',
    kind: 'totp',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: null,
  };

  it('adds from a pasted otpauth link and tells the user how to finish', async () => {
    const calls = fakeBackend(
      { accounts: [], codes: snapshot([]) },
      { preview_add: () => preview, add_account: () => added },
    );
    render(App);
    await screen.findByTestId('empty-state');
    await userEvent.click(screen.getByTestId('add-button'));
    const dialog = screen.getByTestId('add-dialog');
    expect(dialog).toHaveAttribute('open');
    expect(screen.getByTestId('add-uri-input')).toHaveFocus();
    await userEvent.type(screen.getByTestId('add-uri-input'), uri);

    const shown = await screen.findByTestId('add-preview');
    expect(shown).toHaveTextContent('Example (carol@example.com)');
    expect(shown).toHaveTextContent('Time-based (TOTP) · 6 digits · every 30 s · SHA1');
    // Debounced: one validation for the whole typed link, not one per key.
    expect(callsTo(calls, 'preview_add')).toEqual([{ request: { type: 'uri', uri } }]);

    await userEvent.click(screen.getByTestId('add-submit'));
    expect(callsTo(calls, 'add_account')).toEqual([{ request: { type: 'uri', uri } }]);
    await waitFor(() => expect(screen.queryByTestId('add-dialog')).not.toBeInTheDocument());
    expect(screen.getByTestId('add-success')).toHaveAttribute('role', 'status');
    expect(screen.getByTestId('add-success')).toHaveTextContent(
      'Enter the current code on the site to finish turning on two-factor authentication.',
    );
    expect(rowIds()).toEqual(['new']);
  });

  it('shows a preview_add error inline under the field', async () => {
    const calls = fakeBackend(
      { accounts: [], codes: snapshot([]) },
      {
        preview_add: () =>
          Promise.reject({ code: 'invalid_input', message: 'This link has no secret= parameter.' }),
      },
    );
    render(App);
    await screen.findByTestId('empty-state');
    await userEvent.keyboard('{Control>}n{/Control}');
    const input = screen.getByTestId('add-uri-input');
    await userEvent.type(input, 'otpauth://totp/Example:carol');
    const error = await screen.findByTestId('add-error');
    expect(error).toHaveTextContent('This link has no secret= parameter.');
    expect(input.getAttribute('aria-describedby')).toContain(error.id);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('add-preview')).not.toBeInTheDocument();
    expect(callsTo(calls, 'add_account')).toEqual([]);
  });

  it('adds a typed setup key in manual mode', async () => {
    const calls = fakeBackend(
      { accounts: [], codes: snapshot([]) },
      { preview_add: () => preview, add_account: () => added },
    );
    render(App);
    await screen.findByTestId('empty-state');
    await userEvent.click(screen.getByTestId('add-button'));
    await userEvent.click(screen.getByTestId('add-mode-manual'));
    expect(screen.queryByTestId('add-uri-input')).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('add-issuer-input')).toHaveFocus());
    await userEvent.type(screen.getByTestId('add-issuer-input'), 'Example');
    await userEvent.type(screen.getByTestId('add-name-input'), 'carol@example.com');
    await userEvent.type(screen.getByTestId('add-secret-input'), 'JBSW Y3DP EHPK 3PXP');
    await userEvent.click(screen.getByTestId('add-submit'));
    expect(callsTo(calls, 'add_account')).toEqual([
      {
        request: {
          type: 'manual',
          issuer: 'Example',
          name: 'carol@example.com',
          secret: 'JBSW Y3DP EHPK 3PXP',
          kind: 'totp',
          algorithm: 'SHA1',
          digits: 6,
          period: 30,
          counter: 0,
        },
      },
    ]);
    await waitFor(() => expect(screen.queryByTestId('add-dialog')).not.toBeInTheDocument());
  });

  it('keeps the dialog open and shows the error when add_account fails', async () => {
    fakeBackend(
      { accounts: [], codes: snapshot([]) },
      {
        preview_add: () => preview,
        add_account: () => Promise.reject({ code: 'keychain', message: 'The keychain is locked.' }),
      },
    );
    render(App);
    await screen.findByTestId('empty-state');
    await userEvent.click(screen.getByTestId('add-button'));
    await userEvent.type(screen.getByTestId('add-uri-input'), uri);
    await userEvent.click(screen.getByTestId('add-submit'));
    expect(await screen.findByTestId('add-error')).toHaveTextContent('The keychain is locked.');
    expect(screen.getByTestId('add-dialog')).toBeInTheDocument();
  });

  it('opens the dialog prefilled when an otpauth link is pasted outside a text field', async () => {
    fakeBackend({ accounts: [github], codes }, { preview_add: () => preview });
    render(App);
    await screen.findByTestId('account-row');
    const paste = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: { getData: () => `  ${uri}\n` } });
    document.body.dispatchEvent(paste);
    const input = await screen.findByTestId('add-uri-input');
    expect(input).toHaveValue(uri);
    expect(paste.defaultPrevented).toBe(true);
    expect(await screen.findByTestId('add-preview')).toHaveTextContent('carol@example.com');
  });

  it('ignores pasted text that is not an otpauth link', async () => {
    fakeBackend({ accounts: [github], codes });
    render(App);
    await screen.findByTestId('account-row');
    const paste = new Event('paste', { bubbles: true });
    Object.defineProperty(paste, 'clipboardData', { value: { getData: () => 'hello' } });
    document.body.dispatchEvent(paste);
    await waitFor(() => expect(screen.queryByTestId('add-dialog')).not.toBeInTheDocument());
  });

  it('closes with Cancel without adding', async () => {
    const calls = fakeBackend({ accounts: [], codes: snapshot([]) });
    render(App);
    await screen.findByTestId('empty-state');
    await userEvent.click(screen.getByTestId('add-button'));
    await userEvent.click(screen.getByTestId('add-cancel'));
    await waitFor(() => expect(screen.queryByTestId('add-dialog')).not.toBeInTheDocument());
    expect(callsTo(calls, 'add_account')).toEqual([]);
  });
});

describe('row actions', () => {
  async function openMenu(id: string) {
    await userEvent.click(within(row(id)).getByTestId('account-menu'));
    return screen.getByRole('menu');
  }

  it('asks for confirmation, showing when the account was added, before deleting', async () => {
    const calls = await renderWithAccounts();
    await openMenu('gl');
    await userEvent.click(screen.getByTestId('delete-action'));
    const dialog = screen.getByTestId('delete-dialog');
    expect(dialog).toHaveTextContent('GitLab');
    expect(within(dialog).getByTestId('delete-added-at')).toHaveTextContent(
      `Added ${formatAdded(gitlab.addedAt)}`,
    );
    expect(callsTo(calls, 'delete_account')).toEqual([]);
    expect(callsTo(calls, 'copy_code')).toEqual([]);

    await userEvent.click(within(dialog).getByTestId('delete-confirm'));
    expect(callsTo(calls, 'delete_account')).toEqual([{ id: 'gl' }]);
    await waitFor(() => expect(rowIds()).toEqual(['gh', 'bk']));
    await waitFor(() => expect(screen.queryByTestId('delete-dialog')).not.toBeInTheDocument());
  });

  it('does not delete when cancelled', async () => {
    const calls = await renderWithAccounts();
    row('gh').focus();
    await userEvent.keyboard('{Delete}');
    await userEvent.click(within(screen.getByTestId('delete-dialog')).getByTestId('delete-cancel'));
    await waitFor(() => expect(screen.queryByTestId('delete-dialog')).not.toBeInTheDocument());
    expect(callsTo(calls, 'delete_account')).toEqual([]);
    expect(rowIds()).toEqual(['gh', 'gl', 'bk']);
  });

  it('renames through the menu', async () => {
    const calls = fakeBackend(
      { accounts: [github, gitlab], codes },
      {
        rename_account: (args) => ({ ...github, issuer: args.issuer as string, name: args.name as string }),
      },
    );
    render(App);
    await screen.findAllByTestId('account-row');
    await openMenu('gh');
    await userEvent.click(screen.getByTestId('rename-action'));
    const issuer = screen.getByTestId('rename-issuer-input');
    expect(issuer).toHaveValue('GitHub');
    expect(issuer).toHaveFocus();
    await userEvent.clear(screen.getByTestId('rename-name-input'));
    await userEvent.type(screen.getByTestId('rename-name-input'), 'work');
    await userEvent.click(screen.getByTestId('rename-submit'));
    expect(callsTo(calls, 'rename_account')).toEqual([{ id: 'gh', issuer: 'GitHub', name: 'work' }]);
    await waitFor(() => expect(within(row('gh')).getByTestId('account-name')).toHaveTextContent('work'));
    await waitFor(() => expect(screen.queryByTestId('rename-dialog')).not.toBeInTheDocument());
  });

  it('opens rename with F2 and shows its error inline', async () => {
    fakeBackend(
      { accounts: [github], codes },
      { rename_account: () => Promise.reject({ code: 'invalid_input', message: 'The name must not be empty.' }) },
    );
    render(App);
    (await screen.findByTestId('account-row')).focus();
    await userEvent.keyboard('{F2}');
    await userEvent.clear(screen.getByTestId('rename-name-input'));
    await userEvent.click(screen.getByTestId('rename-submit'));
    expect(await screen.findByRole('alert')).toHaveTextContent('The name must not be empty.');
    expect(screen.getByTestId('rename-dialog')).toBeInTheDocument();
  });

  it('moves accounts with the menu and with Alt+arrows', async () => {
    const calls = await renderWithAccounts();
    const menu = await openMenu('gh');
    expect(within(menu).getByTestId('move-up-action')).toBeDisabled();
    await userEvent.click(within(menu).getByTestId('move-down-action'));
    expect(callsTo(calls, 'move_account')).toEqual([{ id: 'gh', to: 1 }]);
    expect(rowIds()).toEqual(['gl', 'gh', 'bk']);

    row('bk').focus();
    await userEvent.keyboard('{Alt>}{ArrowUp}{/Alt}');
    expect(callsTo(calls, 'move_account')).toEqual([
      { id: 'gh', to: 1 },
      { id: 'bk', to: 1 },
    ]);
    expect(rowIds()).toEqual(['gl', 'bk', 'gh']);
    await waitFor(() => expect(row('bk')).toHaveFocus());
  });

  it('restores the order and reports when moving fails', async () => {
    let order = [github, gitlab, bank];
    fakeBackend(
      { accounts: order, codes },
      {
        list_accounts: () => order,
        move_account: () => Promise.reject({ code: 'storage', message: 'Could not save the new order.' }),
      },
    );
    render(App);
    await screen.findAllByTestId('account-row');
    row('gh').focus();
    await userEvent.keyboard('{Alt>}{ArrowDown}{/Alt}');
    expect(await screen.findByTestId('error-banner')).toHaveTextContent('Could not save the new order.');
    await waitFor(() => expect(rowIds()).toEqual(['gh', 'gl', 'bk']));
    order = [];
  });

  it('keeps menu clicks from copying, and closes the menu with Escape', async () => {
    const calls = await renderWithAccounts();
    const button = within(row('gh')).getByTestId('account-menu');
    await userEvent.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByTestId('rename-action')).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    expect(screen.getByTestId('move-down-action')).toHaveFocus(); // move up is disabled on the first row
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    expect(callsTo(calls, 'copy_code')).toEqual([]);
  });
});

describe('keyboard navigation', () => {
  it('uses a roving tabindex over the rows', async () => {
    await renderWithAccounts();
    expect(row('gh')).toHaveAttribute('tabindex', '0');
    expect(row('gl')).toHaveAttribute('tabindex', '-1');
    row('gh').focus();
    await userEvent.keyboard('{End}');
    expect(row('bk')).toHaveFocus();
    expect(row('bk')).toHaveAttribute('tabindex', '0');
    expect(row('gh')).toHaveAttribute('tabindex', '-1');
    await userEvent.keyboard('{ArrowUp}');
    expect(row('gl')).toHaveFocus();
    await userEvent.keyboard('{Home}');
    expect(row('gh')).toHaveFocus();
  });

  it('ignores global shortcuts while typing in a field', async () => {
    await renderWithAccounts();
    const search = screen.getByTestId('search-input');
    await userEvent.click(search);
    await userEvent.keyboard('/');
    expect(search).toHaveValue('/');
    fireEvent.keyDown(search, { key: 'n', ctrlKey: true });
    expect(screen.getByTestId('add-dialog')).toBeInTheDocument();
  });
});
