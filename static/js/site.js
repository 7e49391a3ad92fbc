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
