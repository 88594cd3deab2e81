// Hand-written stand-in for the ts-rs output; regenerated from Rust with the same shape.
export type OtpKindName = "totp" | "hotp" | "steam";
