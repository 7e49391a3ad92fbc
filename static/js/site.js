// No connection and no service worker to answer (or it isn't installed yet): load the page
// itself instead of leaving the tap without an answer; the browser or the worker then shows
// what it can (the cached page, or the offline page).
document.addEventListener("htmx:sendError", function (event) {
  // The first screen's form is posted (the owner's own words never stand in an address). With
  // nothing typed, ask for its step's address instead, which the worker may hold; with words,
  // post it as a page, so the browser says there is no connection.
  var form = event.detail && event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-offline-action]");
  if (form) {
    var data = new FormData(form);
    if (!String(data.get("words") || "").trim()) {
      data.delete("words");
      window.location.href = form.dataset.offlineAction + "?" + new URLSearchParams(data).toString();
    } else {
      HTMLFormElement.prototype.submit.call(form);
    }
    return;
  }
  var info = event.detail && event.detail.pathInfo;
  var path = info && (info.finalRequestPath || info.requestPath);
  if (path) { window.location.href = path; }
});

// After htmx swaps in a new step, move keyboard and screen-reader focus to its
// heading, as a full page load would.
document.addEventListener("htmx:afterSettle", function (event) {
  // Only when a whole step was swapped: after "Did this solve it?" focus stays by the answer.
  var swappedId = event.detail.target && event.detail.target.id;
  if (swappedId !== "diagnosis") {
    return;
  }
  var target = document.querySelector("#diagnosis [data-focus-after-swap]");
  if (target) {
    target.focus({ preventScroll: true });
  }
});

// The goodwill letter: "Copy" and "Print" buttons, shown only when JavaScript runs.
document.addEventListener("DOMContentLoaded", function () {
  var status = document.querySelector(".copy-status");
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copyTarget).innerText;
      navigator.clipboard.writeText(text).then(
        function () { if (status) { status.textContent = button.dataset.copiedText; } },
        function () { if (status) { status.textContent = button.dataset.failedText; } }
      );
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});

// "Tried it?": an owner who comes back to the same outcome later (its address holds their
// answers) is asked "Did this solve it?" straight away. Without JavaScript they tap "Yes,
// I've tried it" instead. Only the page address and a time are kept, in this browser.
var RETURN_AFTER_MS = 10 * 60 * 1000;
function askSolvedOnReturn() {
  var box = document.querySelector("#feedback[data-page-key]");
  if (!box) { return; }
  var key = "seen:" + box.dataset.pageKey;
  var seen;
  try { seen = Number(window.localStorage.getItem(key)); } catch (error) { return; }
  if (!seen) {
    try { window.localStorage.setItem(key, String(Date.now())); } catch (error) { /* private mode: no memory */ }
    return;
  }
  var tried = box.querySelector("[data-tried-yes]");
  if (tried && window.htmx && Date.now() - seen > RETURN_AFTER_MS) {
    window.htmx.ajax("GET", tried.getAttribute("href"), { target: "#feedback", swap: "outerHTML" });
  }
}
document.addEventListener("DOMContentLoaded", askSolvedOnReturn);
document.addEventListener("htmx:afterSettle", function (event) {
  if (event.detail.target && event.detail.target.id === "diagnosis") { askSolvedOnReturn(); }
});

// A guide beside the car: ticked-off steps kept in this browser (across reloads and the
// step-by-step screens), and the screen kept awake while the guide is open, where the browser
// can. Without JavaScript the guide reads the same, without the ticks.
(function () {
  var key = "done:" + window.location.pathname;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(key) || "[]"); } catch (error) { return []; }
  }

  function save(done) {
    try { window.localStorage.setItem(key, JSON.stringify(done)); } catch (error) { /* private mode: no memory */ }
  }

  function setUp() {
    var done = load();
    document.querySelectorAll(".step-done").forEach(function (label) {
      var box = label.querySelector("input");
      var step = box.dataset.step;
      label.classList.remove("waiting");
      box.disabled = false;
      box.checked = done.indexOf(step) !== -1;
      label.closest("li").classList.toggle("is-done", box.checked);
      box.addEventListener("change", function () {
        var now = load().filter(function (s) { return s !== step; });
        if (box.checked) { now.push(step); }
        save(now);
        label.closest("li").classList.toggle("is-done", box.checked);
      });
    });
  }

  // Screen Wake Lock: released by the browser when the tab is hidden, so ask again on return.
  var lock = null;
  function keepAwake() {
    if (!("wakeLock" in navigator) || document.visibilityState !== "visible") { return; }
    navigator.wakeLock.request("screen").then(function (l) { lock = l; }, function () { lock = null; });
  }
  function start() {
    if (!document.querySelector("ol.steps")) { return; }  // only on a guide
    setUp();
    keepAwake();
    document.addEventListener("visibilitychange", keepAwake);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

// Installs the service worker, so guides and pages already seen open without a signal.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* the site works without it */ });
  });
}
