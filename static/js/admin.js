// The admin's Markdown preview (htmx): no inline styles under the CSP, and the form's CSRF token
// on every preview request.
if (window.htmx) {
  window.htmx.config.includeIndicatorStyles = false;
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
}

// ↑/↓ beside the number of each row in an inline (answers of a question, steps of a guide):
// a row moves on the page and the numbers of the filled rows become 1, 2, 3… The server takes
// the numbers as typed, so without JavaScript typing a number does the same.
(function () {
  var ORDER = /^([\w-]+)-(\d+)-order$/;

  function rowOf(input) {
    return input.closest("tr.form-row, .inline-related");
  }

  function filledRows(group) {
    return Array.prototype.filter.call(group.querySelectorAll("input"), function (input) {
      return ORDER.test(input.name);
    }).map(function (input) {
      var row = rowOf(input);
      var idInput = row && row.querySelector('input[type=hidden][name$="-id"]');
      return { input: input, row: row, filled: input.value !== "" || (idInput && idInput.value !== "") };
    });
  }

  function renumber(group) {
    var number = 1;
    filledRows(group).forEach(function (item) {
      if (!item.filled) { return; }
      item.input.value = number;
      // A step's heading starts with its number ("3. Take off the trim"): keep it in step.
      var label = item.row && item.row.querySelector(".inline_label");
      if (label && /^\d+\./.test(label.textContent)) { label.textContent = label.textContent.replace(/^\d+\./, number + "."); }
      number++;
    });
  }

  function move(group, row, step) {
    var rows = filledRows(group).filter(function (item) { return item.filled; }).map(function (item) { return item.row; });
    var index = rows.indexOf(row);
    var other = rows[index + step];
    if (!other) { return; }
    if (step < 0) { other.parentNode.insertBefore(row, other); } else { other.parentNode.insertBefore(row, other.nextSibling); }
    renumber(group);
  }

  function button(text, label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "move-button";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function enhance() {
    document.querySelectorAll(".inline-group").forEach(function (group) {
      filledRows(group).forEach(function (item) {
        if (!item.filled || !item.row) { return; }
        var row = item.row;
        var up = button("↑", "Move up", function () { move(group, row, -1); });
        var down = button("↓", "Move down", function () { move(group, row, 1); });
        item.input.after(up, down);
      });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", enhance); } else { enhance(); }
})();
