// Provisional (issue 13): written by hand from /work/notes/lock-contract.md; ts-rs regenerates it from Rust.

/**
 * What restoring an entry of a backup does.
 */
export type RestoreAction = "add" | "replace" | "same";
