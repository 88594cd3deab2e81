// Hand-written stand-in for the ts-rs output; regenerated from Rust with the same shape.
import type { ManualEntry } from "./ManualEntry";

export type AddRequest = { "type": "uri", uri: string } | { "type": "manual" } & ManualEntry;
