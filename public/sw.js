// Service worker: keeps the app shell so a tablet that opened the app once starts it again with no network.
// scripts/post_build.py fills in the file lists and the build hash; a new build gets a new cache and the old
// one is deleted on activation. API calls are never cached: the app's own store handles data offline.
const CACHE = 'thidua-shell-__BUILD_HASH__';
// The field bundle, kept on every device.
const SHELL = __PRECACHE__;
// The office's bundle, kept only on a device that opened it: a field tablet never downloads it.
const OFFICE = __OFFICE__;
const OFFICE_INDEX = '/office/index.html';

const isOffice = (pathname) => pathname === '/office' || pathname.startsWith('/office/');

async function usesOffice() {
  const windows = await self.clients.matchAll({ includeUncontrolled: true, type: 'window' });
  if (windows.some((client) => isOffice(new URL(client.url).pathname))) return true;
  for (const key of await caches.keys()) {
    if (key.startsWith('thidua-shell-') && await (await caches.open(key)).match(OFFICE_INDEX)) return true;
  }
  return false;
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL);
    if (await usesOffice()) await cache.addAll(OFFICE);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith('thidua-shell-') && key !== CACHE).map((key) => caches.delete(key)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The API, and the public page (read by people without the app), always go to the network.
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')
    || url.pathname.startsWith('/cong-khai/')) {
    return;
  }
  const office = isOffice(url.pathname);
  const navigate = request.mode === 'navigate';
  // Every in-app address is one of the two single pages.
  const key = navigate ? (office ? OFFICE_INDEX : '/index.html') : request;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(key, { ignoreSearch: navigate });
    if (cached) return cached;
    const response = await fetch(request);
    // The office's files are kept the first time they are loaded, so the office starts offline afterwards.
    if (office && response.ok && (navigate || OFFICE.includes(url.pathname))) {
      await cache.put(key, response.clone());
    }
    return response;
  })());
});
