// Hand-written stand-in for the ts-rs output; regenerated from Rust with the same shape.
import type { ErrorCode } from "./ErrorCode";

export type IpcError = { code: ErrorCode, message: string, };
