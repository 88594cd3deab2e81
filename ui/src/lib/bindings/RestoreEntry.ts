// Provisional (issue 13): written by hand from /work/notes/lock-contract.md; ts-rs regenerates it from Rust.
import type { RestoreAction } from "./RestoreAction";

/**
 * One account of a backup being restored.
 */
export type RestoreEntry = { index: number, issuer: string, name: string, action: RestoreAction, 
/**
 * How many backup codes the file holds for it.
 */
backup_codes: number, existing_id: string | null, };
