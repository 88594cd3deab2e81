import { describe, expect, it } from 'vitest';
import { clockStatus, measured } from '../test/backend';
import {
  bannerText,
  checkedWith,
  clockVerdict,
  clockWrong,
  correctionLabel,
  offsetAmount,
  offsetText,
  parseServers,
  platformOf,
} from './clock';

describe('offsetAmount', () => {
  it('says seconds below two minutes', () => {
    expect(offsetAmount(47_000)).toBe('47 s');
    expect(offsetAmount(-47_400)).toBe('47 s');
    expect(offsetAmount(119_000)).toBe('119 s');
  });
  it('says minutes and seconds from two minutes', () => {
    expect(offsetAmount(185_000)).toBe('3 min 5 s');
    expect(offsetAmount(-180_000)).toBe('3 min');
  });
  it('says hours, then days, for clocks far off', () => {
    expect(offsetAmount((2 * 60 + 10) * 60_000)).toBe('2 h 10 min');
    expect(offsetAmount(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 days 4 h');
  });
});

describe('offsetText and the banner', () => {
  it('calls a clock ahead of the servers fast, behind slow', () => {
    expect(offsetText(47_000)).toBe('47 s fast');
    expect(offsetText(-185_000)).toBe('3 min 5 s slow');
  });
  it('warns from 5 seconds, and never when the check failed or never ran', () => {
    expect(clockWrong(measured(4_999))).toBe(false);
    expect(clockWrong(measured(-5_000))).toBe(true);
    expect(clockWrong(measured(60_000, { problem: 'Could not check the clock: no time server answered.' }))).toBe(false);
    expect(clockWrong(clockStatus())).toBe(false);
    expect(clockWrong(null)).toBe(false);
  });
  it('words the banner', () => {
    expect(bannerText({ ...measured(47_000), offsetMs: 47_000 })).toBe(
      'Your clock is 47 s fast — sites may reject your codes',
    );
    expect(bannerText({ ...measured(-47_000, { correcting: true }), offsetMs: -47_000 })).toBe(
      'Your clock is 47 s slow — Tock corrects its own codes for it',
    );
  });
  it('labels the correction with the shift of the codes', () => {
    expect(correctionLabel(47_000)).toBe('Clock corrected −47 s');
    expect(correctionLabel(-185_000)).toBe('Clock corrected +3 min 5 s');
    expect(correctionLabel(300)).toBe('Clock corrected by under 1 s');
  });
});

describe('clockVerdict', () => {
  it('says a small offset is fine', () => {
    expect(clockVerdict(measured(2_000), true)).toBe('Your clock is 2 s off: fine.');
    expect(clockVerdict(measured(-200))).toBe('Your clock is right: fine.');
  });
  it('says a wrong clock is probably why, in the troubleshooter', () => {
    expect(clockVerdict(measured(47_000), true)).toBe('Your clock is 47 s fast: this is probably why.');
    expect(clockVerdict(measured(47_000))).toBe('Your clock is 47 s fast: sites may reject your codes.');
    expect(clockVerdict(measured(47_000, { correcting: true, appliedOffsetMs: 47_000 }), true)).toBe(
      'Your clock is 47 s fast, but Tock corrects its codes for it.',
    );
  });
  it('passes a problem on as it is, and says when the clock was never checked', () => {
    const problem = 'Could not check the clock: no time server answered.';
    expect(clockVerdict(clockStatus({ problem }), true)).toBe(problem);
    expect(clockVerdict(clockStatus())).toBe('Tock has not checked your clock yet.');
  });
  it('names the server without the NTP port', () => {
    expect(checkedWith(measured(1_000))).toBe('Checked with time.cloudflare.com.');
    expect(checkedWith(measured(1_000, { server: 'ntp.example:4123' }))).toBe('Checked with ntp.example:4123.');
    expect(checkedWith(clockStatus())).toBeNull();
  });
});

describe('platformOf and parseServers', () => {
  it('tells the systems apart from the user agent', () => {
    expect(platformOf('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/120')).toBe('windows');
    expect(platformOf('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15')).toBe('macos');
    expect(platformOf('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15')).toBe('linux');
  });
  it('takes one server per line, blank lines dropped', () => {
    expect(parseServers(' pool.ntp.org \n\ntime.google.com:123\n')).toEqual(['pool.ntp.org', 'time.google.com:123']);
    expect(parseServers('')).toEqual([]);
  });
});
