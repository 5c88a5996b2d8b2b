// Entry point (index.html loads this one module): learn who is signed in,
// then draw the shell and start routing.
import { loadSession } from './session.js';
import { startShell } from './shell.js';
import { startRouter } from './router.js';
import { h, clear, pageHeader } from './dom.js';
import { errorMessage } from './forms.js';

const main = document.getElementById('main');

async function boot() {
  try {
    await loadSession();
  } catch (err) {
    clear(main);
    main.append(
      pageHeader('Parley is not available', errorMessage(err)),
      h('p', null, h('button', { type: 'button', class: 'btn btn-primary', onclick: () => location.reload() }, 'Try again')),
    );
    return;
  }
  startShell();
  startRouter(main);
}

boot();
