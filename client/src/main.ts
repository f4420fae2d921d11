import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

/** Entry point: mounts the app into `#app` (client/index.html). */
const target = document.getElementById('app');
if (!target) throw new Error('client/index.html has no #app element');

export default mount(App, { target });
