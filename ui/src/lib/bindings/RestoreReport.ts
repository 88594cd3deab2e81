// Provisional (issue 13): written by hand from /work/notes/lock-contract.md; ts-rs regenerates it from Rust.

/**
 * What a restore did.
 */
export type RestoreReport = { added: number, replaced: number, left_alone: number, };
