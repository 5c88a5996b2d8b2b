// Tabs that switch what one panel shows (a filter or a view), following the
// ARIA tabs pattern: role="tablist" of role="tab" buttons, the chosen one
// aria-selected and the only one in the Tab order; Left/Right (and Home/End)
// move to the next tab and choose it.
//
//   const t = tabs({ label: 'Show', items: [['all', 'All'], ['mine', 'Mine']],
//     value: 'all', onChange: (v) => reload(v) });
//   root.append(t.element, t.panel(listElement));
import { h, uid } from './dom.js';

export function tabs({ label, items, value, onChange, id = uid('tabs') }) {
  let current = items.some(([v]) => v === value) ? value : items[0][0];
  const panelId = `${id}-panel`;
  const buttons = new Map();
  const element = h('div', { class: 'tabs', role: 'tablist', 'aria-label': label, id });
  for (const [v, text] of items) {
    const b = h('button', {
      type: 'button', role: 'tab', class: 'tab', id: `${id}-${v}`, 'aria-controls': panelId, dataset: { value: v },
    }, text);
    b.addEventListener('click', () => choose(v, true));
    buttons.set(v, b);
    element.append(b);
  }
  element.addEventListener('keydown', (e) => {
    const keys = ['ArrowLeft', 'ArrowRight', 'Home', 'End'];
    if (!keys.includes(e.key)) return;
    e.preventDefault();
    const values = items.map(([v]) => v);
    let i = values.indexOf(current);
    if (e.key === 'ArrowLeft') i = (i - 1 + values.length) % values.length;
    else if (e.key === 'ArrowRight') i = (i + 1) % values.length;
    else if (e.key === 'Home') i = 0;
    else i = values.length - 1;
    choose(values[i], true);
    buttons.get(values[i]).focus();
  });

  let panelEl = null;
  function draw() {
    for (const [v, b] of buttons) {
      const on = v === current;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
    }
    if (panelEl) panelEl.setAttribute('aria-labelledby', `${id}-${current}`);
  }

  function choose(v, fromUser) {
    if (v === current && fromUser) return;
    current = v;
    draw();
    if (fromUser && onChange) onChange(v);
  }
  draw();

  return {
    element,
    /** Wraps the content the tabs control in the tab panel. */
    panel(...children) {
      panelEl = h('div', { role: 'tabpanel', id: panelId, class: 'tab-panel' }, children);
      draw();
      return panelEl;
    },
    value: () => current,
    /** Chooses a tab without calling onChange. */
    set: (v) => choose(v, false),
  };
}
