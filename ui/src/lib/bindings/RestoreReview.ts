// Provisional (issue 13): written by hand from /work/notes/lock-contract.md; ts-rs regenerates it from Rust.
import type { RestoreEntry } from "./RestoreEntry";

/**
 * A backup file's accounts compared with the vault.
 */
export type RestoreReview = { file_name: string, created_at: number | null, entries: Array<RestoreEntry>, };
