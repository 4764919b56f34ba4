// Show the elapsed time of a running e-visit timer. The timer itself lives on the server
// (start/stop are plain forms), so closing the tab loses nothing; this only updates the display.
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick(el, started) {
    var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    el.textContent = (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s);
  }
  document.querySelectorAll("output.evisit-timer[data-started]").forEach(function (el) {
    var started = Date.parse(el.getAttribute("data-started"));
    if (isNaN(started)) { return; }
    tick(el, started);
    window.setInterval(function () { tick(el, started); }, 1000);
  });
})();
