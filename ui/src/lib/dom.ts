// Small DOM helpers shared by components.
import { tick } from 'svelte';

export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

export function accountRows(root: ParentNode = document): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('[data-testid="account-row"]')];
}

/** Focuses an account's row once the DOM has caught up with the state. */
export async function focusRow(id: string | undefined): Promise<void> {
  await tick();
  if (id === undefined) return;
  accountRows().find((row) => row.dataset.id === id)?.focus();
}
