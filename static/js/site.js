// After htmx swaps in a new step, move keyboard and screen-reader focus to its
// heading, as a full page load would.
document.addEventListener("htmx:afterSettle", function () {
  var target = document.querySelector("#diagnosis [data-focus-after-swap]");
  if (target) {
    target.focus({ preventScroll: true });
  }
});
