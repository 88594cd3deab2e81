import { mount } from 'svelte';
import App from './App.svelte';
import Palette from './Palette.svelte';
import { storeContext, TockStore } from './lib/store.svelte';
import './app.css';

// macOS and Windows: their system UI font; Linux: fontconfig's sans-serif, which costs far less to look up
// in WebKitGTK (app.css).
if (!navigator.userAgent.includes('Linux')) document.documentElement.classList.add('system-ui');

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');

/** How long the window waits for its accounts before it shows "Loading…" (a slow or locked keychain). */
const LOADING_AFTER_MS = 300;

// The quick-search window loads the same page as index.html#palette.
if (location.hash === '#palette') {
  mount(Palette, { target });
} else {
  // Ask Rust for the accounts and codes first and mount once they are in: the first frame the window paints
  // then already shows the codes (a "Loading…" frame first would delay them by a whole extra layout and
  // paint, docs/PERFORMANCE.md). If they take long, the window appears anyway and says it is loading.
  const store = new TockStore();
  const loaded = store.load();
  void Promise.race([loaded, new Promise((wait) => setTimeout(wait, LOADING_AFTER_MS))]).then(() => {
    mount(App, { target, context: storeContext(store) });
  });
}
