// Service worker for the phone pages (SHELL and VERSION are prepended by the server).
// Pages: network first, the cached copy when offline. Static files: cache first.
// POSTs are never touched: the page keeps unsent sessions in its outbox.
self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open("itbrehab-" + VERSION).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== "itbrehab-" + VERSION; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(function (response) {
        // Only clean addresses are kept: "/m/?saved=1" would otherwise answer for "/m/"
        // offline and say "Session saved" about a session still waiting in the outbox.
        if (response.ok && !new URL(request.url).search) {
          var copy = response.clone();
          caches.open("itbrehab-" + VERSION).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(request, { ignoreSearch: true });
      })
    );
    return;
  }
  event.respondWith(
    caches.match(request).then(function (hit) { return hit || fetch(request); })
  );
});
