// Narrow screens: the main navigation folds behind a 菜单 button (no inline script: strict CSP).
(function () {
  document.documentElement.classList.add("js");
  function init() {
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
