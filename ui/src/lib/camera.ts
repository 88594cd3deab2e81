// Scanning with a camera: the camera dialog's choices and words (pure, unit
// tested in camera.test.ts). Frames and codes come from Rust through
// ipc.startCamera; the camera itself never reaches the web view.
import type { CameraInfo } from './bindings/CameraInfo';
import type { SeenCode } from './bindings/SeenCode';

const CHOICE_KEY = 'tock.camera';

/** The camera to open: the one chosen last time if it is still connected, else the first. */
export function pickCamera(cameras: CameraInfo[], remembered: string | null): string | null {
  if (cameras.some((c) => c.id === remembered)) return remembered;
  return cameras[0]?.id ?? null;
}

/** The camera chosen last time (kept by the web view, like a window size). */
export function rememberedCamera(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string | null {
  try {
    return storage?.getItem(CHOICE_KEY) ?? null;
  } catch {
    return null; // storage disabled: nothing remembered
  }
}

export function rememberCamera(id: string, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(CHOICE_KEY, id);
  } catch {
    // storage disabled or full: the choice is simply not remembered
  }
}

/** A code's corners as SVG polygon points (frame pixels). */
export function outlinePoints(code: SeenCode): string {
  return code.corners.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
}

export type CameraPhase = 'listing' | 'opening' | 'looking' | 'failed';

/** The line under the preview: what the camera is doing, and what to do. */
export function cameraStatus(phase: CameraPhase, codes: SeenCode[]): string {
  switch (phase) {
    case 'listing':
      return 'Looking for cameras…';
    case 'opening':
      return 'Opening the camera…';
    case 'failed':
      return '';
    case 'looking':
      if (codes.some((c) => c.authenticator)) return 'Reading the code…';
      if (codes.length > 0) {
        return 'That QR code is not an authenticator code. Show the QR code the site gives for two-factor authentication.';
      }
      return 'Looking for a QR code… Hold it steady in front of the camera.';
  }
}
