/* Harbour's only script: the quick exit, and history that forgets public pages.
   Everything works without it; it only makes leaving faster and safer. */
(function () {
  "use strict";
  var exit = document.getElementById("quick-exit");
  if (!exit) { return; }

  // The rights pages keep the fact sheets a person opened for offline reading
  // (rights/offline.js): leaving erases them and that worker. Leaving never
  // waits on that cleanup: the page goes once it is done, or after a moment
  // (a slow phone), or at once where the cleanup cannot run or fails.
  function forgetOfflinePages(done) {
    var work = [];
    if (window.caches) {
      work.push(caches.keys().then(function (keys) {
        return Promise.all(keys.map(function (key) { return caches.delete(key); }));
      }));
    }
    if (navigator.serviceWorker) {
      work.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
      }));
    }
    Promise.all(work).then(done, done);
  }

  var gone = false;
  function go() {
    if (gone) { return; }
    gone = true;
    // Straight to the neutral site: the page's own handlers below do what /leave does without script.
    window.location.replace(exit.getAttribute("data-to") || exit.href);
  }

  function leave(event) {
    if (event) { event.preventDefault(); }
    try { window.sessionStorage.clear(); } catch (ignored) { /* storage may be off */ }
    document.body.hidden = true;
    if (!window.Promise) { go(); return; }  // no offline pages can exist without promises
    window.setTimeout(go, 400);
    try { forgetOfflinePages(go); } catch (ignored) { go(); }  // storage may be off
  }

  exit.addEventListener("click", leave);

  // The rest is for public pages only: on member pages Esc must not throw
  // away a case note being typed, and Back must work as usual.
  if (!document.body.hasAttribute("data-replace-history")) { return; }

  // A page the browser kept in its back-forward cache comes back as it was left: after a quick
  // exit it is blank (leave() hid it) and goes on to the neutral site; any other time its forms
  // are emptied, so Back never shows what the person typed or chose.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    if (document.body.hidden) { window.location.replace(exit.getAttribute("data-to") || exit.href); return; }
    Array.prototype.forEach.call(document.forms, function (form) { form.reset(); });
  });

  document.addEventListener("keydown", function (event) {
    // Esc also closes an input method's candidate list (Arabic, Chinese...):
    // that must not leave the site.
    if (event.isComposing || event.keyCode === 229) { return; }
    if (event.key === "Escape" || event.key === "Esc") { leave(event); }
  });

  // Each move within Harbour replaces the current history entry, so after a
  // quick exit, Back leaves Harbour instead of returning.

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link === exit || event.defaultPrevented || event.button !== 0 ||
        event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    if (link.origin !== window.location.origin || link.target || link.hasAttribute("download")) { return; }
    if (link.getAttribute("href").charAt(0) === "#") { return; }
    event.preventDefault();
    window.location.replace(link.href);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.method || "get").toLowerCase() !== "get") { return; }
    var url = new URL(form.action, window.location.href);
    if (url.origin !== window.location.origin) { return; }
    event.preventDefault();
    url.search = new URLSearchParams(new FormData(form)).toString();
    window.location.replace(url.href);
  });
}());
