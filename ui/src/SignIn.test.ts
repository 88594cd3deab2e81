// Sign-in notes against a fake Rust backend: the method on the row, the editor (set_sign_in), the question
// asked when enrolling (the scan review and the add dialog) and the "Can't sign in?" guide.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { AccountView } from './lib/bindings/AccountView';
import type { SignInMethod } from './lib/bindings/SignInMethod';
import {
  account,
  callsTo,
  fakeBackend,
  PERIOD_START_MS,
  savedAccount,
  scanned,
  scanReport,
  snapshot,
  stepCodes,
  totpCode,
  troubleshootFor,
} from './test/backend';

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice', signIn: 'google', notes: 'work email' });
const bank = account({ id: 'bk', issuer: 'Bank', name: 'bob' });
const work = account({ id: 'wk', issuer: 'Intranet', name: 'bob', signIn: 'sso' });
const codes = snapshot([totpCode('gh', '123456', '789012'), totpCode('bk', '222333', '444555'), totpCode('wk', '333444', '555666')]);

const carol = scanned({ token: 't-carol', issuer: 'Example', name: 'carol@example.com' });
const dave = scanned({ token: 't-dave', issuer: 'Mastodon', name: 'dave' });

/** set_sign_in over the accounts kept in `state`, as Rust answers it. */
function signInCommand(state: { accounts: AccountView[] }) {
  return ({ id, method, notes }: Record<string, unknown>) => {
    const found = state.accounts.find((a) => a.id === id);
    if (!found) throw { code: 'not_found', message: 'No such account.' };
    const updated = { ...found, signIn: method as SignInMethod | null, notes: notes as string };
    state.accounts = state.accounts.map((a) => (a.id === id ? updated : a));
    return updated;
  };
}

async function renderApp(accounts: AccountView[] = [github, bank, work], handlers: Parameters<typeof fakeBackend>[1] = {}) {
  const state = { accounts, codes };
  const calls = fakeBackend(state, {
    set_sign_in: signInCommand(state),
    troubleshoot: ({ id }) => troubleshootFor(state.accounts.find((a) => a.id === id)!, { codes: stepCodes(['111111', '123456', '789012']) }),
    ...handlers,
  });
  render(App);
  if (accounts.length > 0) await screen.findAllByTestId('account-row');
  else await screen.findByTestId('empty-state');
  return { calls, state };
}

function row(id: string): HTMLElement {
  const found = screen.getAllByTestId('account-row').find((r) => r.dataset.id === id);
  if (!found) throw new Error(`no row ${id}`);
  return found;
}

async function openEditor(id: string): Promise<HTMLElement> {
  await userEvent.click(within(row(id)).getByTestId('account-menu'));
  await userEvent.click(screen.getByTestId('row-menu-sign-in'));
  return screen.findByTestId('sign-in-dialog');
}

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the sign-in method on the row', () => {
  it('is a small label when one is noted', async () => {
    await renderApp();
    expect(within(row('gh')).getByTestId('row-sign-in')).toHaveTextContent('Google');
    expect(within(row('gh')).getByTestId('row-sign-in')).toHaveAttribute(
      'title',
      'You sign in to this site with: Google',
    );
    expect(within(row('wk')).getByTestId('row-sign-in')).toHaveTextContent('Single sign-on');
    expect(within(row('bk')).queryByTestId('row-sign-in')).not.toBeInTheDocument();
  });
});

describe('the sign-in notes editor', () => {
  it('opens from the row menu with the method and notes, and saves them through set_sign_in', async () => {
    const { calls } = await renderApp();
    const dialog = await openEditor('gh');
    const method = within(dialog).getByTestId('sign-in-method');
    expect(method).toHaveValue('google');
    expect(method).toHaveFocus();
    const notes = within(dialog).getByTestId('sign-in-notes');
    expect(notes).toHaveValue('work email');

    await userEvent.selectOptions(method, 'microsoft');
    await userEvent.clear(notes);
    await userEvent.type(notes, 'the old work account');
    await userEvent.click(within(dialog).getByTestId('sign-in-save'));
    expect(callsTo(calls, 'set_sign_in')).toEqual([{ id: 'gh', method: 'microsoft', notes: 'the old work account' }]);
    await waitFor(() => expect(screen.queryByTestId('sign-in-dialog')).not.toBeInTheDocument());
    expect(within(row('gh')).getByTestId('row-sign-in')).toHaveTextContent('Microsoft');
    expect(screen.getByTestId('copied-toast')).toHaveTextContent('Sign-in notes saved');
    await waitFor(() => expect(row('gh')).toHaveFocus());
  });

  it('saves "Don\'t say" as no method', async () => {
    const { calls } = await renderApp();
    const dialog = await openEditor('wk');
    await userEvent.selectOptions(within(dialog).getByTestId('sign-in-method'), '');
    await userEvent.click(within(dialog).getByTestId('sign-in-save'));
    expect(callsTo(calls, 'set_sign_in')).toEqual([{ id: 'wk', method: null, notes: '' }]);
    await waitFor(() => expect(within(row('wk')).queryByTestId('row-sign-in')).not.toBeInTheDocument());
  });

  it('shows a failure inline and stays open', async () => {
    await renderApp(undefined, {
      set_sign_in: () => Promise.reject({ code: 'storage', message: 'The vault file could not be saved.' }),
    });
    const dialog = await openEditor('bk');
    await userEvent.selectOptions(within(dialog).getByTestId('sign-in-method'), 'password');
    await userEvent.click(within(dialog).getByTestId('sign-in-save'));
    expect(await within(dialog).findByTestId('sign-in-error')).toHaveTextContent('The vault file could not be saved.');
    expect(screen.getByTestId('sign-in-dialog')).toHaveAttribute('open');
  });
});

describe('the question when enrolling', () => {
  function saves() {
    let n = 0;
    const known = new Map([carol, dave].map((s) => [s.token, s]));
    return (args: Record<string, unknown>) => savedAccount(known.get(args.token as string)!, `new-${++n}`);
  }

  it('is asked in the review, and set_sign_in follows save_scanned', async () => {
    const state = { accounts: [bank] };
    const save = saves();
    const { calls } = await renderApp([bank], {
      scan_screen: () => scanReport([carol]),
      save_scanned: (args) => {
        const saved = save(args);
        state.accounts = [...state.accounts, saved];
        return saved;
      },
      set_sign_in: signInCommand(state),
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    const review = await screen.findByTestId('scan-review-dialog');
    const question = within(review).getByTestId('review-sign-in');
    expect(question).toHaveAccessibleName('How do you sign in to this site?');
    expect(question).toHaveValue('');
    expect(within(question).getByRole('option', { selected: true })).toHaveTextContent("Don't say");
    await userEvent.selectOptions(question, 'google');
    await userEvent.click(within(review).getByTestId('scan-save'));

    await waitFor(() => expect(callsTo(calls, 'set_sign_in')).toEqual([{ id: 'new-1', method: 'google', notes: '' }]));
    const order = calls.map((c) => c.cmd);
    expect(order.indexOf('set_sign_in')).toBeGreaterThan(order.indexOf('save_scanned'));
    await waitFor(() => expect(screen.queryByTestId('scan-review-dialog')).not.toBeInTheDocument());
    expect(within(row('new-1')).getByTestId('row-sign-in')).toHaveTextContent('Google');
  });

  it('is skippable: saving without an answer records nothing', async () => {
    const { calls } = await renderApp([bank], { scan_screen: () => scanReport([carol]), save_scanned: saves() });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    const review = await screen.findByTestId('scan-review-dialog');
    await userEvent.click(within(review).getByTestId('scan-save'));
    expect(callsTo(calls, 'save_scanned')).toEqual([{ token: 't-carol', replace: false }]);
    await waitFor(() => expect(screen.queryByTestId('scan-review-dialog')).not.toBeInTheDocument());
    expect(callsTo(calls, 'set_sign_in')).toEqual([]);
    expect(within(row('new-1')).queryByTestId('row-sign-in')).not.toBeInTheDocument();
  });

  it('is recorded for the accounts answered when saving them all', async () => {
    const { calls } = await renderApp([bank], { scan_screen: () => scanReport([carol, dave]), save_scanned: saves() });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    const review = await screen.findByTestId('scan-review-dialog');
    const questions = within(review).getAllByTestId('review-sign-in');
    expect(questions).toHaveLength(2);
    await userEvent.selectOptions(questions[1], 'passkey');
    await userEvent.click(within(review).getByTestId('scan-save-all'));
    await waitFor(() => expect(callsTo(calls, 'save_scanned')).toHaveLength(2));
    await waitFor(() => expect(callsTo(calls, 'set_sign_in')).toEqual([{ id: 'new-2', method: 'passkey', notes: '' }]));
  });

  it('is not asked for accounts moved from another app', async () => {
    await renderApp([bank], {
      scan_screen: () => scanReport([carol], { batch: { scanned: 1, total: 1, message: 'All 1 transfer codes scanned' } }),
    });
    await userEvent.click(screen.getByTestId('scan-screen-button'));
    const review = await screen.findByTestId('scan-review-dialog');
    expect(within(review).getAllByTestId('scan-account')).toHaveLength(1);
    expect(within(review).queryByTestId('review-sign-in')).not.toBeInTheDocument();
  });

  it('is asked in the add dialog too, and recorded once the account is added', async () => {
    const added = account({ id: 'new', issuer: 'Example', name: 'carol@example.com' });
    const state = { accounts: [] as AccountView[] };
    const { calls } = await renderApp([], {
      preview_add: () => ({ issuer: 'Example', name: 'carol@example.com', kind: 'totp', algorithm: 'SHA1', digits: 6, period: 30, counter: null }),
      add_account: () => {
        state.accounts = [added];
        return added;
      },
      set_sign_in: signInCommand(state),
    });
    await userEvent.click(screen.getByTestId('add-button'));
    await userEvent.type(
      screen.getByTestId('add-uri-input'),
      'otpauth://totp/Example:carol@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example',
    );
    const question = screen.getByTestId('add-sign-in');
    expect(question).toHaveValue('');
    await userEvent.selectOptions(question, 'apple');
    await userEvent.click(screen.getByTestId('add-submit'));
    await waitFor(() => expect(callsTo(calls, 'set_sign_in')).toEqual([{ id: 'new', method: 'apple', notes: '' }]));
    const order = calls.map((c) => c.cmd);
    expect(order.indexOf('set_sign_in')).toBeGreaterThan(order.indexOf('add_account'));
    expect(await within(row('new')).findByTestId('row-sign-in')).toHaveTextContent('Apple');
  });
});

describe("the \"Can't sign in?\" guide", () => {
  it('names the recorded method, from the sign-in notes dialog', async () => {
    await renderApp();
    const dialog = await openEditor('gh');
    const open = within(dialog).getByTestId('sign-in-guide-open');
    expect(open).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(open);
    expect(open).toHaveAttribute('aria-expanded', 'true');
    const guide = within(dialog).getByTestId('sign-in-guide');
    expect(within(guide).getByTestId('sign-in-guide-method')).toHaveTextContent(
      'Use the way you signed up. You noted Google: sign in with “Continue with Google”.',
    );
    expect(within(guide).getByTestId('sign-in-guide-method')).toHaveTextContent(
      'try the others in turn: “Continue with Microsoft”, “Continue with Apple”, your phone number',
    );
    expect(guide).toHaveTextContent('You signed up with Google: reset the password with Google, not on the site.');
    expect(guide).toHaveTextContent('“This user already exists” or “wrong authentication method”');
    expect(guide).toHaveTextContent('private window, another browser or another network, with extensions and VPNs turned off');
    expect(guide).toHaveTextContent('the exact error message, the way you tried to sign in, your browser and device, and when');
    // It follows the method being chosen.
    await userEvent.selectOptions(within(dialog).getByTestId('sign-in-method'), 'phone');
    expect(within(guide).getByTestId('sign-in-guide-method')).toHaveTextContent('You noted Phone: sign in with your phone number.');
    expect(guide).toHaveTextContent('Accounts made with Google, Microsoft or Apple reset it with that provider');
  });

  it('lists the ways to try when none is recorded, from the troubleshooter', async () => {
    await renderApp();
    await userEvent.click(within(row('bk')).getByTestId('account-menu'));
    await userEvent.click(screen.getByTestId('row-menu-troubleshoot'));
    const dialog = await screen.findByTestId('troubleshoot-dialog');
    const section = await within(dialog).findByTestId('troubleshoot-sign-in');
    expect(within(section).getByTestId('troubleshoot-sign-in-method')).toHaveTextContent(
      'How you sign in to this site is not noted.',
    );
    await userEvent.click(within(section).getByTestId('sign-in-guide-open'));
    expect(within(section).getByTestId('sign-in-guide-method')).toHaveTextContent(
      "If you don't remember which, try them in turn: “Continue with Google”, “Continue with Microsoft”, “Continue with Apple”, your phone number, single sign-on (SSO), your email and password.",
    );
  });
});

describe('sign-in notes in the troubleshooter', () => {
  it('shows the method and notes, and edits them in the sign-in dialog before coming back', async () => {
    const { calls } = await renderApp();
    await userEvent.click(within(row('gh')).getByTestId('account-menu'));
    await userEvent.click(screen.getByTestId('row-menu-troubleshoot'));
    const dialog = await screen.findByTestId('troubleshoot-dialog');
    const section = await within(dialog).findByTestId('troubleshoot-sign-in');
    expect(within(section).getByTestId('troubleshoot-sign-in-method')).toHaveTextContent('You sign in with: Google.');
    expect(within(section).getByTestId('troubleshoot-notes')).toHaveTextContent('work email');

    await userEvent.click(within(section).getByTestId('troubleshoot-edit-sign-in'));
    const editor = await screen.findByTestId('sign-in-dialog');
    await userEvent.selectOptions(within(editor).getByTestId('sign-in-method'), 'password');
    await userEvent.click(within(editor).getByTestId('sign-in-save'));
    expect(callsTo(calls, 'set_sign_in')).toEqual([{ id: 'gh', method: 'password', notes: 'work email' }]);

    const back = await screen.findByTestId('troubleshoot-dialog');
    expect(await within(back).findByTestId('troubleshoot-sign-in-method')).toHaveTextContent('You sign in with: Password.');
  });
});
