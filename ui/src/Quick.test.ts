// Favourites, the Settings dialog, the quick-search palette and what a copy says.
import { emit } from '@tauri-apps/api/event';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import type { AccountView } from './lib/bindings/AccountView';
import type { Settings } from './lib/bindings/Settings';
import type { SettingsView } from './lib/bindings/SettingsView';
import { displayShortcut, moveSelection, shortcutText } from './lib/quick';
import Palette from './Palette.svelte';
import { account, callsTo, defaultSettings, fakeBackend, snapshot, totpCode } from './test/backend';

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice' });
const gitlab = account({ id: 'gl', issuer: 'GitLab', name: 'alice', favourite: true });
const bank = account({ id: 'bk', issuer: 'Bank', name: 'bob' });
const codes = snapshot([totpCode('gh', '123456', '654321'), totpCode('gl', '111111', '222222'), totpCode('bk', '333333', '444444')]);

const defaults: Settings = defaultSettings();

function settingsView(settings: Settings, shortcut: SettingsView['shortcut']): SettingsView {
  return { settings, shortcut, problem: null, tray: true };
}

function row(id: string): HTMLElement {
  const found = screen.getAllByTestId('account-row').find((r) => r.dataset.id === id);
  if (!found) throw new Error(`no row ${id}`);
  return found;
}

describe('favourites', () => {
  it('are set from the row menu and marked with a star', async () => {
    const calls = fakeBackend(
      { accounts: [github, gitlab], codes },
      { set_favourite: (args) => ({ ...github, favourite: args.favourite }) },
    );
    render(App);
    await screen.findAllByTestId('account-row');
    expect(within(row('gl')).getByTestId('account-favourite')).toHaveAccessibleName('Favourite');
    expect(within(row('gh')).queryByTestId('account-favourite')).not.toBeInTheDocument();

    await userEvent.click(within(row('gh')).getByTestId('account-menu'));
    await userEvent.click(screen.getByRole('menuitem', { name: 'Favourite' }));
    expect(callsTo(calls, 'set_favourite')).toEqual([{ id: 'gh', favourite: true }]);
    await waitFor(() => expect(within(row('gh')).getByTestId('account-favourite')).toBeInTheDocument());

    await userEvent.click(within(row('gl')).getByTestId('account-menu'));
    expect(screen.getByTestId('favourite-action')).toHaveTextContent('Remove from favourites');
    expect(callsTo(calls, 'copy_code')).toEqual([]);
  });
});

describe('copying', () => {
  it('shows what Rust says about the copy, never a code', async () => {
    fakeBackend(
      { accounts: [github], codes },
      { copy_code: () => ({ title: 'Code copied: GitHub (alice)', body: 'Only 3 seconds left…', toast: 'Copied: 3 s left' }) },
    );
    render(App);
    await userEvent.click(await screen.findByTestId('account-row'));
    expect(await screen.findByTestId('copied-toast')).toHaveTextContent('Copied: 3 s left');
  });
});

describe('settings', () => {
  it('loads, saves what was changed and closes', async () => {
    let saved: Settings | null = null;
    const calls = fakeBackend(
      { accounts: [github], codes },
      {
        get_settings: () => settingsView(defaults, { state: 'active', shortcut: 'CommandOrControl+Alt+O' }),
        save_settings: (args) => {
          saved = args.settings as Settings;
          return settingsView(saved, { state: 'active', shortcut: saved.quickSearchShortcut });
        },
      },
    );
    render(App);
    await userEvent.click(await screen.findByTestId('settings-button'));
    const dialog = await screen.findByTestId('settings-dialog');
    expect(await within(dialog).findByTestId('settings-shortcut-status')).toHaveTextContent(
      'Active: press Ctrl+Alt+O anywhere to open the quick search.',
    );
    await userEvent.click(within(dialog).getByTestId('settings-close-to-tray'));
    const clear = within(dialog).getByTestId('settings-clear-after');
    await userEvent.clear(clear);
    await userEvent.type(clear, '10');
    await userEvent.click(within(dialog).getByTestId('settings-near-next'));
    await userEvent.click(within(dialog).getByTestId('settings-save'));
    await waitFor(() => expect(screen.queryByTestId('settings-dialog')).not.toBeInTheDocument());
    expect(callsTo(calls, 'save_settings')).toHaveLength(1);
    expect(saved).toEqual({ ...defaults, closeToTray: true, clearAfterSecs: 10, nearExpiry: 'copy_next' });
  });

  it('stays open and says plainly when the shortcut cannot be registered', async () => {
    const message = 'On Wayland, Tock cannot register Ctrl+Alt+O itself: add a shortcut in your desktop’s settings.';
    fakeBackend(
      { accounts: [github], codes },
      {
        get_settings: () => settingsView(defaults, { state: 'off' }),
        save_settings: (args) => settingsView(args.settings as Settings, { state: 'failed', message }),
      },
    );
    render(App);
    await userEvent.click(await screen.findByTestId('settings-button'));
    const dialog = await screen.findByTestId('settings-dialog');
    expect(await within(dialog).findByTestId('settings-shortcut-status')).toHaveTextContent(/^No shortcut/);
    await userEvent.click(within(dialog).getByTestId('settings-save'));
    const status = await within(dialog).findByRole('alert');
    expect(status).toHaveTextContent(message);
    expect(screen.getByTestId('settings-dialog')).toHaveAttribute('open');
  });

  it('stays open while the desktop is asked, and shows its answer when it comes', async () => {
    fakeBackend(
      { accounts: [github], codes },
      {
        get_settings: () => settingsView(defaults, { state: 'off' }),
        save_settings: (args) =>
          settingsView(args.settings as Settings, { state: 'pending', shortcut: 'CommandOrControl+Alt+O' }),
      },
    );
    render(App);
    await userEvent.click(await screen.findByTestId('settings-button'));
    const dialog = await screen.findByTestId('settings-dialog');
    await within(dialog).findByTestId('settings-shortcut-status');
    await userEvent.click(within(dialog).getByTestId('settings-save'));
    const status = within(dialog).getByTestId('settings-shortcut-status');
    await waitFor(() => expect(status).toHaveTextContent('Asking your desktop to register Ctrl+Alt+O'));
    expect(status).toHaveAttribute('role', 'status');
    expect(screen.getByTestId('settings-dialog')).toHaveAttribute('open');

    await emit('shortcut-status', { state: 'active', shortcut: 'Super+Q' });
    await waitFor(() => expect(status).toHaveTextContent('Active: press Super+Q anywhere'));
  });
});

describe('quick search palette', () => {
  function renderPalette(accounts: AccountView[], handlers = {}) {
    const calls = fakeBackend({ accounts: [] }, { quick_accounts: () => accounts, close_palette: () => null, ...handlers });
    render(Palette);
    return calls;
  }

  it('lists accounts in quick order, filters as you type, Enter copies the chosen one and closes', async () => {
    const calls = renderPalette([gitlab, github, bank]);
    const items = await screen.findAllByTestId('palette-item');
    expect(items.map((i) => i.dataset.id)).toEqual(['gl', 'gh', 'bk']);
    const search = screen.getByTestId('palette-search');
    expect(search).toHaveFocus();
    await userEvent.type(search, 'git');
    expect(screen.getAllByTestId('palette-item').map((i) => i.dataset.id)).toEqual(['gl', 'gh']);
    await userEvent.keyboard('{ArrowDown}');
    expect(screen.getAllByTestId('palette-item')[1]).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{Enter}');
    expect(callsTo(calls, 'copy_code')).toEqual([{ id: 'gh' }]);
    await waitFor(() => expect(callsTo(calls, 'close_palette')).toHaveLength(1));
  });

  it('closes with Escape and says when nothing matches', async () => {
    const calls = renderPalette([github]);
    await screen.findAllByTestId('palette-item');
    await userEvent.type(screen.getByTestId('palette-search'), 'zzz');
    expect(screen.getByTestId('palette-empty')).toHaveTextContent('No accounts match “zzz”.');
    await userEvent.keyboard('{Enter}');
    expect(callsTo(calls, 'copy_code')).toEqual([]);
    await userEvent.keyboard('{Escape}');
    expect(callsTo(calls, 'close_palette')).toHaveLength(1);
  });

  it('keeps a failed copy on screen and stays open', async () => {
    const calls = renderPalette([github], {
      copy_code: () => {
        throw { code: 'keychain', message: 'The OS keychain is locked; unlock it and try again.' };
      },
    });
    await screen.findAllByTestId('palette-item');
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByTestId('palette-error')).toHaveTextContent('The OS keychain is locked');
    expect(callsTo(calls, 'close_palette')).toEqual([]);
  });

  it('has an empty state for an empty vault', async () => {
    renderPalette([]);
    expect(await screen.findByTestId('palette-empty')).toHaveTextContent('No accounts yet');
  });
});

describe('quick helpers', () => {
  it('wraps the selection around and words every shortcut state', () => {
    expect([moveSelection(0, -1, 3), moveSelection(2, 1, 3), moveSelection(1, 1, 3), moveSelection(0, 1, 0)]).toEqual([
      2, 0, 2, -1,
    ]);
    expect(shortcutText({ state: 'failed', message: 'Taken.' })).toBe('Taken.');
    expect(shortcutText({ state: 'off' })).toContain('tock --quick-search');
    expect(shortcutText({ state: 'pending', shortcut: 'CommandOrControl+Alt+O' })).toContain('Ctrl+Alt+O');
    expect(displayShortcut('CommandOrControl+Alt+O', false)).toBe('Ctrl+Alt+O');
    expect(displayShortcut('CmdOrCtrl+Shift+K', true)).toBe('⌘+Shift+K');
    expect(displayShortcut('Super+Alt+T', false)).toBe('Super+Alt+T');
  });
});
