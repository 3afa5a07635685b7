// Narrow screens: the main navigation folds behind a 菜单 button (no inline script: strict CSP).
(function () {
  document.documentElement.classList.add("js");
  // A table wider than the screen scrolls in its card: a keyboard user must reach it too.
  function markScrollers() {
    var tables = document.querySelectorAll("table.grid, .table-scroll");
    for (var i = 0; i < tables.length; i++) {
      var el = tables[i];
      if (el.scrollWidth > el.clientWidth) {
        el.setAttribute("tabindex", "0");
      } else if (el.getAttribute("tabindex") === "0") {
        el.removeAttribute("tabindex");
      }
    }
  }
  function init() {
    markScrollers();
    window.addEventListener("resize", markScrollers);
    var bar = document.querySelector(".topbar");
    var toggle = bar && bar.querySelector(".navtoggle");
    if (!toggle) { return; }
    toggle.addEventListener("click", function () {
      var open = bar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
