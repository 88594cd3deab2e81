// Scanning with a camera: the camera dialog over a fake backend whose start_camera
// hands the test the channel Rust would send preview frames and events on.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import type { CameraEvent } from './lib/bindings/CameraEvent';
import type { CameraInfo } from './lib/bindings/CameraInfo';
import { cameraStatus, outlinePoints, pickCamera, rememberCamera, rememberedCamera } from './lib/camera';
import { account, callsTo, fakeBackend, PERIOD_START_MS, scanned, scanReport, snapshot, totpCode } from './test/backend';

const github = account({ id: 'gh', issuer: 'GitHub', name: 'alice@example.com' });
const codes = snapshot([totpCode('gh', '123456', '789012')]);
const laptop: CameraInfo = { id: '0', label: 'Integrated Camera' };
const usb: CameraInfo = { id: '2', label: 'USB Camera' };
const neo4j = scanned({ token: 't-neo', issuer: 'neo4j', name: 'Charlotte', firstCode: '482913' });

type Events = { onmessage: (message: ArrayBuffer | CameraEvent) => void };

/** Renders the app with `cameras`; returns the recorded calls and the channel of the last start_camera. */
async function renderApp(cameras: CameraInfo[], start: (args: Record<string, unknown>) => unknown = () => null) {
  const channel: { events: Events | null } = { events: null };
  const calls = fakeBackend(
    { accounts: [github], codes },
    {
      list_cameras: () => cameras,
      start_camera: (args) => {
        channel.events = args.events as Events;
        return start(args);
      },
      stop_camera: () => null,
    },
  );
  render(App);
  await screen.findAllByTestId('account-row');
  return { calls, channel };
}

const frame = () => new Uint8Array([0xff, 0xd8, 0xff, 0xd9]).buffer;

beforeEach(() => {
  vi.setSystemTime(PERIOD_START_MS + 12_000);
  localStorage.clear();
  let n = 0;
  URL.createObjectURL = vi.fn(() => `blob:frame-${++n}`);
  URL.revokeObjectURL = vi.fn();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('scanning with the camera', () => {
  it('shows the preview with the code outlined, then reviews what it read', async () => {
    const { calls, channel } = await renderApp([laptop]);
    const button = screen.getByTestId('scan-camera-button');
    expect(button).toHaveAccessibleName('Scan with camera');
    await userEvent.click(button);

    const dialog = await screen.findByTestId('camera-dialog');
    expect(dialog).toHaveAccessibleName('Scan with camera');
    await waitFor(() => expect(callsTo(calls, 'start_camera')).toHaveLength(1));
    expect(callsTo(calls, 'start_camera')[0].camera).toBe('0');
    expect(screen.getByTestId('camera-name')).toHaveTextContent('Integrated Camera');
    await waitFor(() =>
      expect(screen.getByTestId('camera-status')).toHaveTextContent('Looking for a QR code… Hold it steady'),
    );

    channel.events!.onmessage(frame());
    channel.events!.onmessage(frame());
    const img = await screen.findByAltText('What the camera sees');
    await waitFor(() => expect(img).toHaveAttribute('src', 'blob:frame-2'));
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:frame-1');
    expect(screen.getByTestId('camera-preview')).toHaveAttribute('data-frames', '2');

    const corners: Array<[number, number]> = [[100, 50], [300, 60], [290, 250], [95, 240]];
    channel.events!.onmessage({ type: 'seen', width: 1280, height: 720, codes: [{ corners, authenticator: false }] });
    const outline = await screen.findByTestId('camera-outline');
    expect(outline).toHaveAttribute('points', '100.0,50.0 300.0,60.0 290.0,250.0 95.0,240.0');
    expect(outline.closest('svg')).toHaveAttribute('viewBox', '0 0 1280 720');
    expect(screen.getByTestId('camera-status')).toHaveTextContent('That QR code is not an authenticator code.');

    channel.events!.onmessage({ type: 'seen', width: 1280, height: 720, codes: [{ corners, authenticator: true }] });
    await waitFor(() => expect(screen.getByTestId('camera-status')).toHaveTextContent('Reading the code…'));

    channel.events!.onmessage({ type: 'report', report: scanReport([neo4j], { source: 'camera' }) });
    const review = await screen.findByTestId('scan-review-dialog');
    expect(review).toHaveAccessibleName('Scanned the camera');
    expect(within(review).getByTestId('scan-first-code').textContent).toBe('482 913');
    expect(screen.queryByTestId('camera-dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(callsTo(calls, 'stop_camera')).toHaveLength(1));
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:frame-2');
  });

  it('releases the camera when the dialog closes', async () => {
    const { calls } = await renderApp([laptop]);
    await userEvent.click(screen.getByTestId('scan-camera-button'));
    const dialog = await screen.findByTestId('camera-dialog');
    await waitFor(() => expect(callsTo(calls, 'start_camera')).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId('camera-close')).toHaveFocus());
    // The native <dialog> closes itself on Escape and reports `close`; jsdom has no such behaviour, so the
    // test closes it as WebKit would (the e2e test presses the real key).
    (dialog as HTMLDialogElement).close();
    await waitFor(() => expect(screen.queryByTestId('camera-dialog')).not.toBeInTheDocument());
    expect(callsTo(calls, 'stop_camera')).toHaveLength(1);
  });

  it('says so when there is no camera', async () => {
    const { calls } = await renderApp([]);
    await userEvent.click(screen.getByTestId('scan-camera-button'));
    expect(await screen.findByTestId('camera-none')).toHaveTextContent('No camera was found.');
    expect(screen.queryByTestId('camera-preview')).not.toBeInTheDocument();
    expect(callsTo(calls, 'start_camera')).toEqual([]);
    await userEvent.click(screen.getByTestId('camera-close'));
    await waitFor(() => expect(screen.queryByTestId('camera-dialog')).not.toBeInTheDocument());
  });

  it('shows why the camera cannot be opened, and tries again', async () => {
    let fail = true;
    const { calls } = await renderApp([laptop], () => {
      if (fail) throw { code: 'invalid_input', message: 'The camera is in use by another program; close it there and try again.' };
      return null;
    });
    await userEvent.click(screen.getByTestId('scan-camera-button'));
    expect(await screen.findByTestId('camera-error')).toHaveTextContent('The camera is in use by another program');
    expect(screen.getByTestId('camera-error')).toHaveAttribute('role', 'alert');
    fail = false;
    await userEvent.click(screen.getByTestId('camera-retry'));
    await waitFor(() => expect(screen.queryByTestId('camera-error')).not.toBeInTheDocument());
    expect(callsTo(calls, 'start_camera').map((a) => a.camera)).toEqual(['0', '0']);
    expect(screen.getByTestId('camera-status')).toHaveTextContent('Looking for a QR code');
  });

  it('shows a camera that fails while scanning', async () => {
    const { channel } = await renderApp([laptop]);
    await userEvent.click(screen.getByTestId('scan-camera-button'));
    await waitFor(() => expect(channel.events).not.toBeNull());
    channel.events!.onmessage({
      type: 'failed',
      error: { code: 'invalid_input', message: 'No camera was found; connect one and try again.' },
    });
    expect(await screen.findByTestId('camera-error')).toHaveTextContent('No camera was found');
  });

  it('opens the camera chosen last time and remembers a new choice', async () => {
    rememberCamera('2');
    const { calls } = await renderApp([laptop, usb]);
    await userEvent.click(screen.getByTestId('scan-camera-button'));
    const picker = await screen.findByTestId('camera-picker');
    await waitFor(() => expect(callsTo(calls, 'start_camera')).toHaveLength(1));
    expect(callsTo(calls, 'start_camera')[0].camera).toBe('2');
    expect(picker).toHaveValue('2');
    expect(picker).toHaveAccessibleName('Camera');
    await waitFor(() => expect(picker).toHaveFocus());
    await userEvent.selectOptions(picker, '0');
    await waitFor(() => expect(callsTo(calls, 'start_camera')).toHaveLength(2));
    expect(callsTo(calls, 'start_camera')[1].camera).toBe('0');
    expect(rememberedCamera()).toBe('0');
  });

  it('scans the next code of a transfer export back into the same review', async () => {
    const first = scanned({ token: 't-1', issuer: 'A', name: 'a' });
    const second = scanned({ token: 't-2', issuer: 'B', name: 'b' });
    const { calls, channel } = await renderApp([laptop]);
    await userEvent.click(screen.getByTestId('scan-camera-button'));
    await waitFor(() => expect(channel.events).not.toBeNull());
    const batch = (scanned: number) => ({ scanned, total: 2, message: `Batch ${scanned} of 2 scanned` });
    channel.events!.onmessage({ type: 'report', report: scanReport([first], { source: 'camera', batch: batch(1) }) });
    await screen.findByTestId('scan-review-dialog');

    await userEvent.click(screen.getByTestId('scan-next-batch'));
    await screen.findByTestId('camera-dialog');
    await waitFor(() => expect(callsTo(calls, 'start_camera')).toHaveLength(2));
    channel.events!.onmessage({ type: 'report', report: scanReport([second], { source: 'camera', batch: batch(2) }) });
    const review = await screen.findByTestId('scan-review-dialog');
    expect(within(review).getAllByTestId('scan-account')).toHaveLength(2);
    expect(callsTo(calls, 'discard_scanned')).toEqual([]);
  });
});

describe('camera helpers', () => {
  it('picks the remembered camera while it is connected', () => {
    expect(pickCamera([laptop, usb], '2')).toBe('2');
    expect(pickCamera([laptop, usb], '7')).toBe('0');
    expect(pickCamera([laptop], null)).toBe('0');
    expect(pickCamera([], '2')).toBeNull();
  });

  it('survives storage that refuses', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(rememberedCamera(broken)).toBeNull();
    expect(() => rememberCamera('1', broken)).not.toThrow();
  });

  it('words the status and draws outlines', () => {
    expect(cameraStatus('opening', [])).toBe('Opening the camera…');
    expect(cameraStatus('failed', [])).toBe('');
    expect(outlinePoints({ corners: [[1, 2], [3.25, 4], [5, 6], [7, 8]], authenticator: true })).toBe(
      '1.0,2.0 3.3,4.0 5.0,6.0 7.0,8.0',
    );
  });
});
