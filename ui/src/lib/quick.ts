// Quick search and settings: the words and the keyboard logic, kept out of the components for testing.
import type { ShortcutStatus } from './bindings/ShortcutStatus';

/** Whether the Settings dialog stays open after saving: to show why the shortcut failed, or the desktop's answer. */
export function keepsSettingsOpen(status: ShortcutStatus): boolean {
  return status.state === 'failed' || status.state === 'pending';
}

/** What the Settings dialog says about the quick-search shortcut. */
export function shortcutText(status: ShortcutStatus): string {
  switch (status.state) {
    case 'active':
      return `Active: press ${displayShortcut(status.shortcut)} anywhere to open the quick search.`;
    case 'pending':
      return `Asking your desktop to register ${displayShortcut(status.shortcut)}; it may ask you to confirm.`;
    case 'off':
      return 'No shortcut: your desktop can run `tock --quick-search` from a shortcut of its own.';
    case 'failed':
      return status.message;
  }
}

/** The selected row after an arrow key: wraps around; -1 when there are no rows. */
export function moveSelection(index: number, delta: number, length: number): number {
  if (length === 0) return -1;
  return (((index + delta) % length) + length) % length;
}

/** A shortcut as people read it: "CommandOrControl+Alt+O" is Ctrl+Alt+O (⌘+Alt+O on a Mac). */
export function displayShortcut(shortcut: string, mac = /Mac/.test(navigator.platform)): string {
  return shortcut.replace(/\b(CommandOrControl|CmdOrCtrl|CommandOrCtrl|CmdOrControl)\b/gi, mac ? '⌘' : 'Ctrl');
}
