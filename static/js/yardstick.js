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

  // Filter forms send only the filters in use, so the pushed URL stays a tidy bookmark; the
  // text typed into a chooser is what its own request looks up, not a filter.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt.closest || !elt.closest("[data-drop-empty]") || elt.hasAttribute("data-chooser")) return;
    var params = event.detail.parameters;
    var dropped = [];
    params.forEach(function (value, key) {
      if (value === "" || /_search$/.test(key)) dropped.push(key);
    });
    dropped.forEach(function (key) { params.delete(key); });
  });

  // Typing into a chooser looks up matches; it does not filter until a match is picked.
  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-chooser")) {
      event.stopPropagation();
    }
  }, true);

  // A link to a section inside a closed <details> (the forms of the judgement page, the
  // links in alert emails) opens it, in browsers that do not do so themselves.
  function openTarget() {
    if (!window.location.hash) return;
    var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (!target) return;
    var details = target.closest("details");
    while (details) {
      details.open = true;
      details = details.parentElement && details.parentElement.closest("details");
    }
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);

  // A request that fails says so in the page: an error status (the server's own words when
  // it sends them as plain text), no answer at all, or no answer in time. htmx swaps nothing
  // on a failure, so every field keeps what was typed; the message says that too.
  var KEPT = " What you typed is still in the form.";
  var BY_STATUS = {
    400: "The request could not be understood.",
    403: "You are not allowed to do this.",
    404: "It is no longer there: someone may have removed or renamed it. Reload the page.",
    409: "Someone else changed this meanwhile. Reload the page to see their change.",
    413: "What you sent is too large.",
    500: "Something went wrong on our side; the error has been logged. Try again.",
    502: "Yardstick is not answering just now. Try again in a moment.",
    503: "Yardstick is busy just now; nothing was changed. Try again in a moment.",
    504: "Yardstick took too long to answer. Try again in a moment."
  };

  // The one message box (in base.html) moves to just above the form or control whose
  // request failed, so the message is read where the user is working.
  function showRequestError(elt, text) {
    var box = document.getElementById("request-error");
    if (!box) return;
    var place = elt && elt.closest ? elt.closest("form") || elt : null;
    if (place && place.parentNode && place !== document.body) {
      place.parentNode.insertBefore(box, place);
    }
    box.hidden = false;
    box.textContent = text;
    box.focus();
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var type = xhr.getResponseHeader("Content-Type") || "";
    var own = type.indexOf("text/plain") === 0 ? (xhr.responseText || "").slice(0, 500) : "";
    var text = own || BY_STATUS[xhr.status] || "The request failed (error " + xhr.status + ").";
    showRequestError(event.detail.elt, text + KEPT);
  });
  document.addEventListener("htmx:sendError", function (event) {
    showRequestError(event.detail.elt,
      "Yardstick could not be reached: check your connection and try again." + KEPT);
  });
  document.addEventListener("htmx:timeout", function (event) {
    showRequestError(event.detail.elt, "Yardstick did not answer in time. Try again in a moment." + KEPT);
  });
  // Each new request starts without the last one's message, the box back at the top of
  // the page (where no swap can take it away).
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-error");
    var main = document.getElementById("main");
    if (!box || !main) return;
    box.hidden = true;
    if (box.parentNode !== main) main.insertBefore(box, main.firstChild);
  });

  // A full page that comes back with form errors (no-JS path) starts at the error summary.
  document.addEventListener("DOMContentLoaded", function () {
    openTarget();
    var errors = document.querySelector(".form-errors");
    if (errors) {
      var region = errors.closest("[tabindex='-1']") || errors;
      region.focus();
    }
  });
})();
