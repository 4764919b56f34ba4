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

/* The care team's "More" list is a native <details>: it works without this script; here it also
   closes on Escape (focus back on its summary) and on a click or focus elsewhere, like a menu. */
(function () {
  "use strict";
  var more = document.querySelector(".nav-more");
  if (!more) {
    return;
  }
  function close(refocus) {
    if (more.open) {
      more.open = false;
      if (refocus) {
        more.querySelector("summary").focus();
      }
    }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && more.open) {
      close(more.contains(document.activeElement));
      event.stopPropagation();  // an open "More" closes first; the next Escape folds the phone menu
    }
  }, true);
  document.addEventListener("click", function (event) {
    if (!more.contains(event.target)) {
      close(false);
    }
  });
  document.addEventListener("focusin", function (event) {
    if (!more.contains(event.target)) {
      close(false);
    }
  });
})();
