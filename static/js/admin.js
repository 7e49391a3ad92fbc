// The admin's Markdown preview (htmx): no inline styles under the CSP, and the form's CSRF token
// on every preview request.
if (window.htmx) {
  window.htmx.config.includeIndicatorStyles = false;
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
}
