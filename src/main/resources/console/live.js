// The Live page's charts, fetched again every sample interval and swapped in: no reload, no inline
// script, nothing evaluated. Without this script the page reloads itself (its <noscript> refresh).
(function () {
  "use strict";
  var charts = document.getElementById("charts");
  if (!charts || !window.fetch || !window.DOMParser) {
    return;
  }
  var every = Number(charts.getAttribute("data-refresh-ms")) || 5000;
  function refresh() {
    if (document.hidden) {
      // Nobody looks: ask again later rather than redraw an unseen page.
      window.setTimeout(refresh, every);
      return;
    }
    fetch("/console/live/charts", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.redirected || !response.ok) {
          // Signed out, or the session expired: the whole page shows why (the sign-in page).
          window.location.reload();
          throw new Error("charts not available: " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
        charts.replaceChildren.apply(charts, Array.prototype.slice.call(parsed.body.firstChild.childNodes));
        window.setTimeout(refresh, every);
      })
      .catch(function () {
        // The service is restarting, or the network is down: try again later.
        window.setTimeout(refresh, every * 2);
      });
  }
  window.setTimeout(refresh, every);
})();
