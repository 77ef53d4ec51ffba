// Starts Redoc on /api/docs/reference/ (templates/api/redoc.html).
// Redoc's styles are <style> elements; the Content-Security-Policy allows them
// only with this response's nonce, which this script's own tag carries (a
// script can read its nonce; the page's markup cannot leak it to CSS).
(function () {
  "use strict";
  var script = document.currentScript;
  var element = document.getElementById("redoc");
  if (!element || !window.Redoc) {
    return;
  }
  // Search runs in a worker made from a blob: URL, which the policy refuses;
  // the reference is short enough to read (and the browser's find works).
  window.Redoc.init(
    element.dataset.specUrl,
    { nonce: script.nonce, disableSearch: true },
    element
  );
})();
