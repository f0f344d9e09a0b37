// Service worker for the phone pages (SHELL, VERSION, PAGES and STATIC_URL are prepended
// by the server). Pages: network first, the cached copy when offline. Static files: cache
// first. POSTs are never touched: the page keeps unsent sessions in its outbox.
var CACHE = "itbrehab-" + VERSION;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; })
        .map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The phone pages hold an athlete's health data: every cached copy of them, in every cache.
// Static files stay (they hold nothing personal and make the next sign-in work offline).
function forgetPages() {
  var scope = new URL(self.registration.scope).pathname;
  return caches.keys().then(function (keys) {
    return Promise.all(keys.map(function (key) {
      return caches.open(key).then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.filter(function (r) {
            return new URL(r.url).pathname.indexOf(scope) === 0;
          }).map(function (r) { return cache.delete(r); }));
        });
      });
    }));
  });
}

// Fetch every page afresh and only then swap them in: offline, the old copies are kept.
function refreshPages() {
  return Promise.all(PAGES.map(function (url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error(url + " answered " + response.status);
      return response;
    });
  })).then(function (responses) {
    return forgetPages().then(function () { return caches.open(CACHE); }).then(function (cache) {
      return Promise.all(responses.map(function (response, i) { return cache.put(PAGES[i], response); }));
    });
  });
}

// phone.js asks for this when the phone now shows another athlete than before: the pages
// cached for the previous one must not answer offline for the new one.
self.addEventListener("message", function (event) {
  if (event.data === "refresh-pages") event.waitUntil(refreshPages().catch(function () {}));
  if (event.data === "forget-pages") event.waitUntil(forgetPages());
});

function offline() {
  return new Response(
    "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\">" +
    "<title>No connection</title><h1>No connection</h1><p>Open this page again when you are back online.</p>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } }
  );
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(function (response) {
        // A page of the phone refused (link revoked, expired, unknown: the server signs
        // the phone out). Chromium empties no Cache Storage for Clear-Site-Data "cache",
        // and hides that header from fetch(): go by the status, and forget the pages
        // before the refusal is shown, so none of them answers offline afterwards.
        if (response.status === 404 || response.status === 410) {
          return forgetPages().then(function () { return response; });
        }
        // Only the clean addresses of the pages are kept: "/m/?saved=1" would otherwise
        // answer for "/m/" offline and say "Session saved" about a session still waiting
        // in the outbox, and a link's address (its token) must never be stored.
        if (response.ok && !url.search && PAGES.indexOf(url.pathname) >= 0) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(request, { ignoreSearch: true }).then(function (hit) { return hit || offline(); });
      })
    );
    return;
  }
  // Anything else but static files (a fresh page fetched for its CSRF token) goes to the
  // network as if no worker were here.
  if (url.pathname.indexOf(STATIC_URL) !== 0) return;
  event.respondWith(
    caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
    })
  );
});
