// Hand-written stand-in for the ts-rs output; regenerated from Rust with the same shape.
import type { AlgorithmName } from "./AlgorithmName";
import type { OtpKindName } from "./OtpKindName";

export type AccountView = { id: string, issuer: string, name: string, kind: OtpKindName, algorithm: AlgorithmName, digits: number, period: number | null, counter: number | null, 
/**
 * Unix seconds.
 */
addedAt: number, notes: string, };
