/* The scanner's service worker (served at /scan-worker.js, scope /scan): the scanner page opens
   with no network. It keeps the page's shell (the page, its scripts and style, the vendored
   libraries, the icons and the manifest) in a cache named after the shell's version, and answers
   for those addresses from the network first, so a deploy reaches the phone at its next load, and
   from the cache when the network fails or is too slow. Nothing else passes through it: API
   calls go to the network as they are, and the kit (roster, keys) stays in the page's own storage.
   The service writes SHELL when it serves this file: {version, urls}. */
const SHELL = {{ shell|tojson }};
const PREFIX = "forumops-scanner-";
const CACHE = PREFIX + SHELL.version;
const NETWORK_WAIT_MS = 4000;  // a venue's Wi-Fi that answers nothing: the cache after this long
const KEPT = new Set(SHELL.urls.map((url) => new URL(url, self.location.href).pathname));

self.addEventListener("install", (event) => {
  // the whole shell or no new worker: a version half cached would open half an app offline
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(SHELL.urls.map((url) => new Request(url, {cache: "reload"}))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE)
      .map((old) => caches.delete(old))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !KEPT.has(url.pathname)) return;
  event.respondWith(networkFirst(event));
});

function networkFirst(event) {
  const request = event.request;
  const answered = fetch(request);
  let storing = Promise.resolve();
  const fromNetwork = answered.then((response) => {
    if (response.status >= 500) throw new Error(`the service answers ${response.status}`);
    if (response.ok) {
      const copy = response.clone();  // taken before the page reads the body
      storing = caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  });
  event.waitUntil(fromNetwork.then(() => storing, () => undefined).catch(() => undefined));
  return within(NETWORK_WAIT_MS, fromNetwork).catch(async () => {
    const cache = await caches.open(CACHE);
    // `/scan?lang=en` not kept yet: the page in the language that is kept beats no page
    const kept = (await cache.match(request)) || (await cache.match(request, {ignoreSearch: true}));
    return kept || answered;  // nothing kept: the network's own answer, or its failure
  });
}

function within(ms, promise) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer yet")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
                 (error) => { clearTimeout(timer); reject(error); });
  });
}
