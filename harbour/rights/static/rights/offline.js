/* Harbour's offline worker for the rights pages of one language (its scope is /<language>/rights/).

   Every HTML response says Cache-Control: no-store, so the browser keeps no page.
   This worker keeps exactly the fact sheets a person opened (responses marked
   "Harbour-Offline: keep") and the static files they use, so that a sheet read
   once can be read again without a connection. Nothing else: no search, no
   library, no member page. The quick exit deletes every cache and unregisters
   this worker (core/harbour.js). */
"use strict";

var CACHE = "harbour-rights-offline-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function keepAndAnswer(request, response) {
  var copy = response.clone();
  caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.search) { return; }
  var isPage = request.mode === "navigate";
  var isStatic = url.pathname.indexOf("/static/") === 0;
  if (!isPage && !isStatic) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      var keep = isPage ? response.headers.get("Harbour-Offline") === "keep" : true;
      return response.ok && keep ? keepAndAnswer(request, response) : response;
    }).catch(function () {
      return caches.match(request).then(function (kept) { return kept || Response.error(); });
    })
  );
});
