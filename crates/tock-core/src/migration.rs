//! Google Authenticator transfer codes (`otpauth-migration://offline?data=…`). Issue 3.
