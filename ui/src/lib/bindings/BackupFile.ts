// Provisional (issue 13): written by hand from /work/notes/lock-contract.md; ts-rs regenerates it from Rust.

/**
 * One automatic backup file.
 */
export type BackupFile = { name: string, path: string, 
/**
 * Unix seconds.
 */
created_at: number, size: number, };
