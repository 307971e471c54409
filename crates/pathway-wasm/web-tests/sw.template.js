// The service worker of the served page (written by scripts/build-web from
// web-tests/sw.template.js): it makes the page installable and lets it open with the network
// off. It caches exactly the page's own files, once, at install, and answers every request
// for them from that cache; a request for anything else goes to the network unchanged (the
// page makes none: its Content Security Policy allows only its own origin). It stores no
// case data: the cache holds only these files.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `pathway-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('pathway-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  // `?today=` and other queries do not change a file; `/` is the page.
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const path = url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname;
      const hit = await cache.match(new URL(path, url.origin).href, { ignoreSearch: true });
      return hit ?? fetch(event.request);
    }),
  );
});
