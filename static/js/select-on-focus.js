// Selects the whole value of a [data-select-on-focus] field when it gets focus, so the PT
// can copy a new phone link in one go (an event listener: the CSP runs no inline handler).
(function () {
  "use strict";

  function selectAll(event) {
    event.target.select();
  }

  function bind() {
    document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
      field.addEventListener("focus", selectAll);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
