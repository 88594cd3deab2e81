// The clock check against a fake Rust backend: the banner when the clock is off, the quiet note when the
// check failed, checking again, correcting Tock's codes (badge, countdowns on the corrected time) and the
// clock settings.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { ClockStatus } from './lib/bindings/ClockStatus';
import type { Settings } from './lib/bindings/Settings';
import {
  account,
  callsTo,
  clockStatus,
  defaultSettings,
  deferred,
  emitClock,
  fakeBackend,
  measured,
  PERIOD_START_MS,
  snapshot,
  totpCode,
} from './test/backend';

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice' });
const codes = snapshot([totpCode('gh', '123456', '789012')]);
const noServer = 'Could not check the clock: no time server answered.';

async function renderApp(clock: ClockStatus, handlers: Parameters<typeof fakeBackend>[1] = {}) {
  const calls = fakeBackend({ accounts: [github], codes }, { get_clock: () => clock, ...handlers });
  render(App);
  await screen.findByTestId('account-row');
  await waitFor(() => expect(callsTo(calls, 'get_clock')).toHaveLength(1));
  return calls;
}

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the clock banner', () => {
  it('says how far fast the clock is, and how to set automatic time on this system', async () => {
    await renderApp(measured(47_000));
    const banner = await screen.findByTestId('clock-banner');
    expect(within(banner).getByTestId('clock-banner-text')).toHaveTextContent(
      'Your clock is 47 s fast — sites may reject your codes',
    );
    // jsdom's user agent is a Linux one.
    expect(banner).toHaveTextContent('Settings → Date & Time → Automatic Date & Time, or run timedatectl set-ntp true');
    expect(within(banner).getByTestId('clock-check-again')).toHaveTextContent('Check again');
    expect(within(banner).getByTestId('clock-correct')).toHaveTextContent('Correct Tock’s codes');
    expect(screen.queryByTestId('clock-badge')).not.toBeInTheDocument();
  });

  it('says slow for a clock behind, from the clock-status event', async () => {
    await renderApp(clockStatus());
    expect(screen.queryByTestId('clock-banner')).not.toBeInTheDocument();
    await emitClock(measured(-47_000));
    expect(await screen.findByTestId('clock-banner-text')).toHaveTextContent(
      'Your clock is 47 s slow — sites may reject your codes',
    );
  });

  it('counts minutes from two minutes off', async () => {
    await renderApp(measured(185_000));
    expect(await screen.findByTestId('clock-banner-text')).toHaveTextContent(
      'Your clock is 3 min 5 s fast — sites may reject your codes',
    );
  });

  it('stays away under 5 seconds, and goes when a new measurement says the clock is fine', async () => {
    await renderApp(measured(4_900));
    await waitFor(() => expect(screen.queryByTestId('clock-problem')).not.toBeInTheDocument());
    expect(screen.queryByTestId('clock-banner')).not.toBeInTheDocument();
    await emitClock(measured(-5_000));
    expect(await screen.findByTestId('clock-banner-text')).toHaveTextContent('5 s slow');
    await emitClock(measured(-4_999));
    await waitFor(() => expect(screen.queryByTestId('clock-banner')).not.toBeInTheDocument());
  });

  it('can be dismissed until the next measurement', async () => {
    await renderApp(measured(47_000, { measuredAt: 100 }));
    await userEvent.click(await screen.findByTestId('clock-banner-dismiss'));
    expect(screen.queryByTestId('clock-banner')).not.toBeInTheDocument();
    await emitClock(measured(47_000, { measuredAt: 100 }));
    expect(screen.queryByTestId('clock-banner')).not.toBeInTheDocument();
    await emitClock(measured(48_000, { measuredAt: 200 }));
    expect(await screen.findByTestId('clock-banner-text')).toHaveTextContent('48 s fast');
  });

  it('checks again with check_clock, saying so meanwhile, and says when the clock is fine now', async () => {
    const answer = deferred<ClockStatus>();
    const calls = await renderApp(measured(47_000), { check_clock: () => answer.promise });
    const again = await screen.findByTestId('clock-check-again');
    await userEvent.click(again);
    expect(callsTo(calls, 'check_clock')).toEqual([{}]);
    expect(again).toHaveTextContent('Checking the clock…');
    expect(again).toHaveAttribute('aria-busy', 'true');
    await userEvent.click(again); // a second click while checking does not measure twice
    expect(callsTo(calls, 'check_clock')).toHaveLength(1);
    answer.resolve(measured(1_000));
    await waitFor(() => expect(screen.queryByTestId('clock-banner')).not.toBeInTheDocument());
    expect(screen.getByTestId('add-success')).toHaveTextContent('Your clock is 1 s off: fine.');
  });
});

describe('a failed check', () => {
  it('is a quiet note, shown once, that never claims the clock is wrong', async () => {
    // The last good measurement said 60 s fast, but this check failed: no banner, no alert.
    await renderApp(measured(60_000, { problem: noServer }));
    const note = await screen.findByTestId('clock-problem');
    expect(note).toHaveTextContent(noServer);
    expect(note).toHaveAttribute('role', 'status');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByTestId('clock-banner')).not.toBeInTheDocument();
    expect(screen.queryByTestId('error-banner')).not.toBeInTheDocument();

    await userEvent.click(within(note).getByRole('button', { name: 'Dismiss note' }));
    expect(screen.queryByTestId('clock-problem')).not.toBeInTheDocument();
    // Rust's event with the same problem does not bring it back.
    await emitClock(measured(60_000, { problem: noServer }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId('clock-problem')).not.toBeInTheDocument();
  });

  it('after Check again is shown in place of the banner', async () => {
    await renderApp(measured(47_000), { check_clock: () => measured(47_000, { problem: noServer }) });
    await userEvent.click(await screen.findByTestId('clock-check-again'));
    expect(await screen.findByTestId('clock-problem')).toHaveTextContent(noServer);
    expect(screen.queryByTestId('clock-banner')).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});

describe('correcting Tock’s codes', () => {
  it('turns on and off from the banner, with a badge in the header meanwhile', async () => {
    const calls = await renderApp(measured(47_000), {
      set_clock_correction: ({ on }) =>
        on ? measured(47_000, { correcting: true, appliedOffsetMs: 47_000 }) : measured(47_000),
    });
    await userEvent.click(await screen.findByTestId('clock-correct'));
    expect(callsTo(calls, 'set_clock_correction')).toEqual([{ on: true }]);
    const badge = await screen.findByTestId('clock-badge');
    expect(badge).toHaveTextContent('Clock corrected −47 s');
    expect(badge).toHaveAttribute('title', expect.stringContaining('clock is 47 s fast, so Tock makes its codes for the right time'));
    expect(screen.getByTestId('clock-banner-text')).toHaveTextContent(
      'Your clock is 47 s fast — Tock corrects its own codes for it',
    );
    // The same button, now the other way round, keeps the focus.
    const stop = screen.getByTestId('clock-uncorrect');
    expect(stop).toHaveTextContent('Stop correcting');
    expect(stop).toHaveFocus();
    await waitFor(() => expect(callsTo(calls, 'get_codes').length).toBeGreaterThanOrEqual(2));

    await userEvent.click(stop);
    expect(callsTo(calls, 'set_clock_correction')).toEqual([{ on: true }, { on: false }]);
    await waitFor(() => expect(screen.queryByTestId('clock-badge')).not.toBeInTheDocument());
    expect(screen.getByTestId('clock-correct')).toBeInTheDocument();
  });

  it('runs the countdowns on the corrected time', async () => {
    // This computer says 59 s into the period; corrected by 47 s, it is 12 s in.
    vi.setSystemTime(PERIOD_START_MS + 59_000);
    await renderApp(measured(47_000, { correcting: true, appliedOffsetMs: 47_000 }));
    expect(await screen.findByTestId('clock-badge')).toHaveTextContent('Clock corrected −47 s');
    await waitFor(() =>
      expect(screen.getByTestId('account-ring').querySelector<SVGCircleElement>('circle.fg')!.style.animationDelay).toBe(
        '-12s',
      ),
    );
    expect(screen.getByTestId('account-ring')).toHaveAttribute('aria-label', 'Code expires in about 18 seconds');
    expect(screen.getByTestId('account-ring')).not.toHaveClass('warn');
  });

  it('opens the clock settings from the badge', async () => {
    await renderApp(measured(-20_000, { correcting: true, appliedOffsetMs: -20_000 }), {
      get_settings: () => ({ settings: defaultSettings({ correctClock: true }), shortcut: { state: 'off' }, problem: null, tray: true }),
    });
    const badge = await screen.findByTestId('clock-badge');
    expect(badge).toHaveTextContent('Clock corrected +20 s');
    await userEvent.click(badge);
    const dialog = await screen.findByTestId('settings-dialog');
    expect(await within(dialog).findByTestId('settings-correct-clock')).toBeChecked();
  });
});

describe('the clock settings', () => {
  it('save the start-up check, the correction and the time servers', async () => {
    let saved: Settings | null = null;
    const calls = await renderApp(clockStatus(), {
      get_settings: () => ({ settings: defaultSettings(), shortcut: { state: 'off' }, problem: null, tray: true }),
      save_settings: (args) => {
        saved = args.settings as Settings;
        return { settings: saved, shortcut: { state: 'off' }, problem: null, tray: true };
      },
    });
    await userEvent.click(screen.getByTestId('settings-button'));
    const dialog = await screen.findByTestId('settings-dialog');
    const atStart = await within(dialog).findByTestId('settings-check-clock');
    expect(atStart).toBeChecked();
    expect(within(dialog).getByTestId('settings-correct-clock')).not.toBeChecked();
    const servers = within(dialog).getByTestId('settings-time-servers');
    expect(servers).toHaveValue('pool.ntp.org\ntime.cloudflare.com\ntime.google.com');
    expect(within(dialog).getByTestId('settings-clock-result')).toHaveTextContent('Tock has not checked your clock yet.');

    await userEvent.click(atStart);
    await userEvent.click(within(dialog).getByTestId('settings-correct-clock'));
    await userEvent.clear(servers);
    await userEvent.type(servers, 'ntp.example.org{Enter}{Enter} time.example.net:4123 ');
    const clockCallsBefore = callsTo(calls, 'get_clock').length;
    await userEvent.click(within(dialog).getByTestId('settings-save'));
    await waitFor(() => expect(screen.queryByTestId('settings-dialog')).not.toBeInTheDocument());
    expect(saved).toEqual(
      defaultSettings({
        checkClockAtStart: false,
        correctClock: true,
        timeServers: ['ntp.example.org', 'time.example.net:4123'],
      }),
    );
    // The correction may have changed: the window asks for the clock's state again.
    expect(callsTo(calls, 'get_clock').length).toBe(clockCallsBefore + 1);
  });

  it('check the clock now and show the result', async () => {
    const answer = deferred<ClockStatus>();
    const calls = await renderApp(clockStatus(), {
      get_settings: () => ({ settings: defaultSettings(), shortcut: { state: 'off' }, problem: null, tray: true }),
      check_clock: () => answer.promise,
    });
    await userEvent.click(screen.getByTestId('settings-button'));
    const dialog = await screen.findByTestId('settings-dialog');
    await userEvent.click(await within(dialog).findByTestId('settings-clock-check-now'));
    expect(callsTo(calls, 'check_clock')).toEqual([{}]);
    const result = within(dialog).getByTestId('settings-clock-result');
    expect(result).toHaveTextContent('Checking the clock…');
    expect(result).toHaveAttribute('role', 'status');
    answer.resolve(measured(2_300));
    await waitFor(() => expect(result).toHaveTextContent('Your clock is 2 s off: fine. Checked with time.cloudflare.com.'));
    expect(screen.getByTestId('settings-dialog')).toHaveAttribute('open');
  });
});
