import { mount } from 'svelte';
import App from './App.svelte';
import Palette from './Palette.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');

// The quick-search window loads the same page as index.html#palette.
export default mount(location.hash === '#palette' ? Palette : App, { target });
