// Reports the first paint, as Tock's window does after its first codes are on screen.
requestAnimationFrame(() => requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke('painted')));
