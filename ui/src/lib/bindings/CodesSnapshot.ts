// Hand-written stand-in for the ts-rs output; regenerated from Rust with the same shape.
import type { CodeView } from "./CodeView";

export type CodesSnapshot = { generatedAtMs: number, codes: Array<CodeView>, };
