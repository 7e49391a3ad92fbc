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
