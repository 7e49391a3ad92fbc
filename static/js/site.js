// After htmx swaps in a new step, move keyboard and screen-reader focus to its
// heading, as a full page load would.
document.addEventListener("htmx:afterSettle", function () {
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
        function () { if (status) { status.textContent = button.dataset.copiedText || "Copied."; } },
        function () { if (status) { status.textContent = button.dataset.failedText || "Could not copy: select the letter and copy it."; } }
      );
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
