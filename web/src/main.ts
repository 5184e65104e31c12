import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { startFirstReads } from './lib/firstreads';

// A deep link's data is on its way while the code that shows it loads.
startFirstReads();

mount(App, { target: document.getElementById('app')! });
