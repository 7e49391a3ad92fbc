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
      label.hidden = false;
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
  document.addEventListener("visibilitychange", keepAwake);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(); keepAwake(); });
  } else { setUp(); keepAwake(); }
})();
