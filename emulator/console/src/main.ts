import { mount } from 'svelte';
import App from './App.svelte';
import './console.css';

/** Entry point: mounts the console into `#app` (emulator/console/index.html). */
const target = document.getElementById('app');
if (!target) throw new Error('emulator/console/index.html has no #app element');

export default mount(App, { target });
