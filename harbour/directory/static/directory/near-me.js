/* "Use my location": only on a click, the browser's own location, rounded to about a kilometre,
   put in the search form and submitted. Nothing is sent anywhere but this search. Without
   JavaScript the button stays hidden and a postal code or city works the same. */
(function () {
  "use strict";
  var button = document.getElementById("near-me");
  var form = document.getElementById("directory-search");
  if (!button || !form || !navigator.geolocation) { return; }
  var status = document.getElementById("near-me-status");
  button.parentNode.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.getAttribute("data-locating");
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude.toFixed(2);
      form.elements.lon.value = position.coords.longitude.toFixed(2);
      form.elements.place.value = "";
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }, function () {
      status.textContent = button.getAttribute("data-failed");
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  });
}());
