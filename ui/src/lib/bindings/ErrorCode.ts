// Hand-written stand-in for the ts-rs output; regenerated from Rust with the same shape.
export type ErrorCode = "invalid_input" | "keychain" | "storage" | "not_found" | "secret_missing" | "internal";
