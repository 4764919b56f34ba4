/* bedside — the only script on every page (the CSP allows scripts from this site only).
   Progressive enhancement: on narrow screens the main navigation folds behind a "Menu" button.
   Without this script the navigation is simply shown in full. */
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  var button = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (!header || !button || !nav) {
    return;
  }
  header.classList.add("js-nav");
  button.hidden = false;

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("nav-open", open);
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("nav-open")) {
      setOpen(false);
      button.focus();
    }
  });
})();
