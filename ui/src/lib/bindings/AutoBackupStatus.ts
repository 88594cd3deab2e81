// Provisional (issue 13): written by hand from /work/notes/lock-contract.md; ts-rs regenerates it from Rust.
import type { BackupFile } from "./BackupFile";

/**
 * The automatic backups: where, how many, the last one and its files (newest first).
 */
export type AutoBackupStatus = { folder: string | null, keep: number, has_password: boolean, last_backup_at: number | null, last_error: string | null, files: Array<BackupFile>, };
