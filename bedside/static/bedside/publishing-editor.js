/* Live preview of the article editor: the server renders and sanitises the Markdown (the same
   code as the public page), so the preview shows exactly what visitors will see. Without
   JavaScript, the Preview button does the same with a full page load. */
(function () {
  "use strict";
  var textarea = document.querySelector("textarea[data-live-preview]");
  if (!textarea || !window.fetch) { return; }
  var form = textarea.form;
  var target = document.getElementById(textarea.getAttribute("data-live-preview"));
  var card = document.getElementById("live-preview-card");
  var url = form && form.getAttribute("data-preview-url");
  if (!target || !url) { return; }
  var timer = null;
  var latest = 0;
  function refresh() {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new FormData();
    body.append("body_md", textarea.value);
    if (token) { body.append("csrfmiddlewaretoken", token.value); }
    var mine = ++latest;
    fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || mine !== latest) { return; }
        target.innerHTML = html; // sanitised by the server with nh3
        if (card) { card.hidden = false; }
      })
      .catch(function () { /* the Preview button still works */ });
  }
  textarea.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  });
})();
