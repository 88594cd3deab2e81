//! Finding and decoding QR codes in image buffers. Issue 3.
