// Hand-written stand-in for the ts-rs output; regenerated from Rust with the same shape.
export type AlgorithmName = "SHA1" | "SHA256" | "SHA512";
