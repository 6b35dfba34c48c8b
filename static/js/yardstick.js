// Yardstick: the one script we write. Keyboard and screen-reader users must not lose their
// place when htmx swaps part of the page, so focus moves somewhere sensible after each swap.
(function () {
  "use strict";

  var lastTarget = null;

  // The server marks where focus should go with data-focus-target="<element id>" (on the
  // status line of the judgement page, or on an inline form). One request may swap several
  // regions (hx-select-oob), so wait until all of them have settled before looking.
  function applyFocus() {
    var holder = document.querySelector("[data-focus-target]");
    var target = null;
    if (holder) {
      target = document.getElementById(holder.getAttribute("data-focus-target"));
      holder.removeAttribute("data-focus-target");
    } else if (focusLost() && lastTarget && lastTarget.isConnected) {
      // Nothing asked for focus but the focused element was swapped away: go to the
      // swapped region's first heading or status line that takes focus.
      target = lastTarget.querySelector("[tabindex='-1']");
    }
    if (target) {
      if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  var pending = false;
  document.addEventListener("htmx:afterSettle", function (event) {
    var id = event.detail.target && event.detail.target.id;
    lastTarget = (id && document.getElementById(id)) || event.detail.elt || null;
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        applyFocus();
      });
    }
  });

  // Filter forms send only the filters in use, so the pushed URL stays a tidy bookmark.
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.closest || !event.detail.elt.closest("[data-drop-empty]")) return;
    var params = event.detail.parameters;
    var empty = [];
    params.forEach(function (value, key) { if (value === "") empty.push(key); });
    empty.forEach(function (key) { params.delete(key); });
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
