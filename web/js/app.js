import { ApiError, auth, getJson } from './api.js';
import { el } from './format.js';
import { LiveConnection } from './live.js';
import { RegionPage } from './region-page.js';
import { itemView, search } from './search.js';
import { WarehousePage } from './warehouse-page.js';

const $ = id => document.getElementById(id);
const state = { live: null, site: null, page: null, route: null };

async function main() {
  $('sign-in-form').addEventListener('submit', onSignIn);
  $('sign-out').addEventListener('click', () => { auth.signOut(); location.reload(); });
  $('drawer-close').addEventListener('click', () => { $('drawer').hidden = true; state.page?.map?.highlight(null); });
  $('search').addEventListener('submit', e => { e.preventDefault(); search($('search-input').value, { showDrawer, openItem }); });
  $('page').addEventListener('click', e => {
    const item = e.target.closest('[data-item]')?.dataset.item;
    if (item && e.target.closest('button')) openItem({ itemId: item });
  });
  window.addEventListener('hashchange', route);
  // start() asks for a key itself when the server refuses the stored one; an unreachable server keeps it and retries.
  if (!auth.key) askForKey();
  else await start();
}

function askForKey(message) {
  const error = $('sign-in-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  if (!$('sign-in').open) $('sign-in').showModal();
  $('key-input').focus();
}

async function onSignIn(event) {
  event.preventDefault();
  const key = $('key-input').value.trim();
  if (!key) return;
  auth.signIn(key);
  if (await start()) $('sign-in').close();
}

let startRetry = 0;

async function start() {
  clearTimeout(startRetry);
  let info;
  try {
    info = await getJson('/api/system/info');
    state.site = await getJson('/api/site');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      auth.signOut();
      askForKey(error.status === 401 ? 'That key is not known.' : 'That key may not view the control room.');
      return false;
    }
    // The server is away (a restart, a network blip): the key stays, and the page tries again by itself. A wall display
    // reloaded during a restart must not end up asking for a key nobody is there to type.
    const message = `Cannot reach the server (${error.message}); trying again.`;
    setStatus('offline', 'server unreachable, retrying');
    if ($('sign-in').open) askForKey(message);
    startRetry = setTimeout(async () => { if (await start() && $('sign-in').open) $('sign-in').close(); }, 5000);
    return false;
  }
  showModes(info);
  renderPicker();
  $('sign-out').hidden = false;
  // Signed in again (the key was rejected on the way): the old connection and the page watching it go.
  await state.live?.stop();
  state.live = new LiveConnection(auth.key, setStatus);
  await state.live.start();
  window.trackingLive = state.live; // for operators' console and the browser tests
  state.route = null;
  route();
  return true;
}

function showModes(info) {
  const chip = (label, value) => el('span', { class: 'chip' }, el('span', { class: 'muted', text: label }), ` ${value}`);
  $('modes').replaceChildren(chip('cluster', info.cluster), chip('storage', info.storage), chip('broker', info.broker),
    chip('sim', info.simulator ? 'on' : 'off'));
  const banner = $('demo-banner');
  banner.hidden = !info.demo;
  banner.textContent = 'Demo mode: grain state is kept in memory and lost when the silo stops. Use PostgreSQL storage for real work.';
}

function setStatus(status, detail) {
  const box = $('status');
  box.dataset.state = status;
  $('status-text').textContent = detail ? `${status}: ${detail}` : status;
  if (detail === 'key rejected') { auth.signOut(); askForKey('The key was rejected.'); }
}

function renderPicker() {
  const picker = $('picker');
  picker.replaceChildren(...state.site.regions.map(region => el('div', { class: 'region-group' },
    el('a', { class: 'region-link', href: `#/r/${region.code}`, 'data-route': `r/${region.code}`, title: region.name, text: region.code }),
    ...region.warehouses.map(code => el('a', { class: 'wh-link', href: `#/w/${code}`, 'data-route': `w/${code}`,
      title: state.site.warehouses.find(w => w.code === code)?.name ?? code, text: code })))));
}

// Which call of route() is the latest (a page that finishes loading after a newer one was chosen is dropped), and the
// latest one that has drawn its page or its error.
let routeGeneration = 0;
let settledGeneration = 0;

async function route() {
  if (!state.site) return;
  let target = location.hash.replace(/^#\/?/, '');
  if (!/^(w|r)\/[A-Za-z0-9_-]+$/.test(target)) {
    target = `w/${state.site.warehouses[0].code}`;
    history.replaceState(null, '', `#/${target}`);
  }
  if (target === state.route) return;
  state.route = target;
  for (const link of document.querySelectorAll('[data-route]')) link.classList.toggle('active', link.dataset.route === target);
  state.page?.dispose();
  state.page = null;
  const [kind, code] = target.split('/');
  const generation = ++routeGeneration;
  let page = null;
  try {
    page = kind === 'w'
      ? await WarehousePage.open($('page'), state.live, code)
      : await RegionPage.open($('page'), state.live, state.site, code);
  } catch (error) {
    if (generation === routeGeneration) {
      $('page').replaceChildren(el('section', { class: 'empty' }, el('h1', { text: 'Not available' }), el('p', { class: 'muted', text: error.message })));
      settledGeneration = generation;
    }
    return;
  }
  if (generation !== routeGeneration) {
    // Another page was chosen while this one loaded: drop it with its feed and timer. If the chosen one has already
    // drawn itself, this one has just drawn over it, so it is opened again; if it is still loading, it draws when it is.
    page.dispose();
    if (settledGeneration === routeGeneration) {
      state.route = null;
      await route();
    }
    return;
  }
  state.page = page;
  settledGeneration = generation;
}

function showDrawer(content) {
  $('drawer-body').replaceChildren(content);
  $('drawer').hidden = false;
}

async function openItem(found) {
  try {
    let item = found;
    if (!item.status) item = (await getJson(`/api/items/${encodeURIComponent(found.itemId)}`)) ?? found;
    const onItsMap = state.page instanceof WarehousePage && state.page.warehouse.code === item.warehouse;
    if (!onItsMap && state.site.warehouses.some(w => w.code === item.warehouse)) {
      location.hash = `#/w/${item.warehouse}`;
      await route();
    }
    const highlighted = state.page instanceof WarehousePage && !!item.location && state.page.map.highlight(item.location);
    showDrawer(await itemView(item, highlighted));
  } catch (error) {
    // Opened from a list or the map: nothing else would say why nothing happened.
    showDrawer(el('p', { class: 'error', text: `Cannot open ${found.itemId}: ${error.message}` }));
  }
}

main();
