// Seller Center's own script: small behaviours htmx does not have. No inline script anywhere
// (CSP), so everything is delegated from the document and survives htmx swaps.
"use strict";

(() => {
  // --- Superseded requests end quietly -----------------------------------------------------
  // htmx reports every aborted request with console.error ("htmx:sendAbort"), including the
  // ones it aborts on purpose because a newer request replaces them (hx-sync "replace"), so
  // a real error would drown among them. htmx builds the report from the request's own
  // detail, where `error: null` means "nothing to report"; it is set only while an abort we
  // asked for runs (aborts are synchronous) and taken back straight after.
  const inFlight = new Map(); // xhr → the detail htmx reports it with, while on its way

  document.addEventListener("htmx:beforeSend", (event) => {
    inFlight.set(event.detail.xhr, event.detail);
  });
  document.addEventListener("htmx:afterRequest", (event) => inFlight.delete(event.detail.xhr));

  function silenceAbortsNow() {
    const silenced = [...inFlight.values()].filter((detail) => !("error" in detail));
    silenced.forEach((detail) => { detail.error = null; });
    queueMicrotask(() => silenced.forEach((detail) => { delete detail.error; }));
  }

  // hx-sync's replace fires htmx:abort at the element and htmx's own listener, on the body,
  // aborts the request: this listener, on the event's way down, runs just before it.
  document.addEventListener("htmx:abort", silenceAbortsNow, true);

  // --- A filter <select> applies when the person has chosen --------------------------------
  // Chrome and Firefox fire `change` at every arrow key on a closed select, which would
  // reload the results for each option stepped through. A choice made with the keys applies
  // on Enter or when the person leaves the select; a choice made with the pointer, at once.
  const STEP_KEYS = new Set([
    "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown",
  ]);
  const waiting = new Set(); // selects changed with the keys, not applied yet
  let stepping = null; // the select a key is moving through, for the rest of this keydown

  const isFilterSelect = (elt) => elt instanceof HTMLSelectElement && elt.closest("form#filters");

  function apply(select) {
    waiting.delete(select);
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("keydown", (event) => {
    const select = event.target;
    if (!isFilterSelect(select)) return;
    if (event.key === "Enter" && waiting.has(select)) {
      event.preventDefault();
      apply(select);
    } else if (!event.altKey && (STEP_KEYS.has(event.key) || event.key.length === 1)) {
      stepping = select; // the browser changes the value right after this event, same task
      setTimeout(() => { stepping = null; });
    }
  }, true);

  document.addEventListener("change", (event) => {
    if (event.target === stepping) {
      event.stopPropagation(); // htmx listens on the form, further down
      waiting.add(event.target);
    }
  }, true);

  document.addEventListener("focusout", (event) => {
    if (waiting.has(event.target)) apply(event.target);
  }, true);

  // --- More filters opens and closes only when the person says so ----------------------------
  // A swap of the whole listing (a tab, a counter, a chip) draws the form again, closed;
  // whatever the person last did with it is carried across.
  let moreOpen = false;

  document.addEventListener("toggle", (event) => {
    if (event.target instanceof HTMLDetailsElement && event.target.matches(".more-filters")) {
      moreOpen = event.target.open;
    }
  }, true); // toggle does not bubble

  document.addEventListener("htmx:load", (event) => {
    const more = event.detail.elt.querySelector?.("details.more-filters");
    if (more) more.open = moreOpen;
  });

  // --- Ticked rows say what the bulk actions will use ----------------------------------------
  // "2 ticked · Export… uses these orders" beside the actions; "Select all matching orders"
  // wins over ticked rows on the server (orders/services/selection.py), so it does here too.
  // The wording, with its singular and plural, is the template's (data-one, data-many, data-all).
  function showSelection(form) {
    const status = form.querySelector("#selection-status");
    if (!status) return;
    const ticked = form.querySelectorAll("input[name='ids']:checked").length;
    const all = form.querySelector("input[name='all_matching']")?.checked;
    const text = all ? status.dataset.all
      : ticked === 1 ? status.dataset.one
      : ticked > 1 ? status.dataset.many.replace("{n}", ticked)
      : "";
    status.textContent = text;
    status.hidden = !text;
  }

  document.addEventListener("change", (event) => {
    const form = event.target.closest?.("form#selection");
    if (form) showSelection(form);
  });

  document.addEventListener("htmx:load", (event) => {
    const form = event.detail.elt.querySelector?.("form#selection");
    if (form) showSelection(form);
  });
})();
