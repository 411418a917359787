/* Keeps the fact sheets a person opens readable offline, through a small service worker.
   Pages still work without it; the quick exit (core/harbour.js) erases what it kept. */
(function () {
  "use strict";
  var note = document.getElementById("offline-note");
  if (!note || !("serviceWorker" in navigator) || !window.caches) { return; }
  navigator.serviceWorker.register(note.getAttribute("data-worker"), { scope: note.getAttribute("data-scope") })
    .catch(function () { /* offline reading is a convenience: the page works without it */ });
}());
