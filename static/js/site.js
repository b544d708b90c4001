/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) return;
      field.select();
      var done = function () {
        var status = document.getElementById(button.getAttribute("aria-controls") || "");
        button.textContent = "已复制";
        if (status) status.textContent = "链接已复制到剪贴板";
      };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
  // Buttons that need JavaScript stay hidden until it runs.
  document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
})();
// Where there is room, folded query forms and facet panels start open.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(min-width: 42rem)").matches) return;
  document.querySelectorAll("details[data-open-wide]").forEach(function (el) { el.open = true; });
})();
