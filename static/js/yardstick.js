// Yardstick: the one script we write. Keyboard and screen-reader users must not lose their
// place when htmx swaps part of the page, so focus moves somewhere sensible after each swap.
(function () {
  "use strict";

  function focusTarget(root) {
    var holder = root.matches && root.matches("[data-focus-target]")
      ? root
      : root.querySelector && root.querySelector("[data-focus-target]");
    if (!holder) return null;
    var id = holder.getAttribute("data-focus-target");
    holder.removeAttribute("data-focus-target");
    return document.getElementById(id);
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt && event.detail.elt.isConnected
      ? event.detail.elt
      : document.getElementById(event.detail.target && event.detail.target.id) || document.body;
    var target = focusTarget(root) || focusTarget(document.body);
    if (!target && focusLost()) {
      // Nothing asked for focus but the focused element was swapped away: go to the
      // swapped region's first focusable heading or status line.
      target = root.querySelector && root.querySelector("[tabindex='-1']");
    }
    if (target) {
      if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  });

  // A full page that comes back with form errors (no-JS path) starts at the error summary.
  document.addEventListener("DOMContentLoaded", function () {
    var errors = document.querySelector(".form-errors");
    if (errors) {
      var region = errors.closest("[tabindex='-1']") || errors;
      region.focus();
    }
  });
})();
