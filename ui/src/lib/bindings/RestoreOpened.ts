// Provisional (issue 13): written by hand from /work/notes/lock-contract.md; ts-rs regenerates it from Rust.

/**
 * The backup file chosen to restore (it is always encrypted).
 */
export type RestoreOpened = { file_name: string, };
