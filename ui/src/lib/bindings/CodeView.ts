// Hand-written stand-in for the ts-rs output; regenerated from Rust with the same shape.
export type CodeView = { id: string, code: string, nextCode: string | null, validFromMs: number | null, 
/**
 * null for HOTP.
 */
validUntilMs: number | null, };
