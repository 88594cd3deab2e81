// Hand-written stand-in for the ts-rs output; regenerated from Rust with the same shape.
import type { AlgorithmName } from "./AlgorithmName";
import type { OtpKindName } from "./OtpKindName";

export type ManualEntry = { issuer: string, name: string, secret: string, kind: OtpKindName, algorithm: AlgorithmName, digits: number, period: number, counter: number, };
