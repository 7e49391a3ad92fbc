"""A live preview beside each Markdown field in the admin: htmx posts the text to a staff-only
view, which renders it through the same filter (and sanitiser) as the public pages."""

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.links import check_paths, internal_paths, validate_internal_links
from core.markdown import is_markdown, render_markdown

MAX_PREVIEW_CHARS = 20_000


class MarkdownWidget(forms.Textarea):
    def __init__(self, attrs=None):
        super().__init__(
            {
                "hx-post": reverse_lazy("troubleshooter:markdown_preview"),
                "hx-trigger": "input changed delay:400ms",
                "hx-swap": "innerHTML",
                **(attrs or {}),
            }
        )

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {})}
        preview_id = f"{attrs.get('id', name)}-preview"
        attrs["hx-target"] = f"#{preview_id}"
        # Only this field's text: htmx would otherwise post the whole form around it.
        attrs["hx-params"] = name
        textarea = super().render(name, value, attrs, renderer)
        return format_html(
            '{}<div class="markdown-preview" id="{}" aria-live="polite" aria-label="{}"></div>',
            textarea,
            preview_id,
            _("Preview, as owners will see it"),
        )


class MarkdownFormField(forms.CharField):
    """Browsers send a textarea's lines ending in CR LF: read as LF, so a text nobody touched is
    not "changed" (History would list it, and a guide's moved step would lose its tie)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class MarkdownPreviewMixin:
    """For ModelAdmins and inlines: Markdown fields get the preview widget."""

    class Media:
        js = ("vendor/htmx.min.js", "js/admin.js")
        css = {"all": ("css/admin.css",)}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if is_markdown(db_field):
            kwargs["widget"] = MarkdownWidget
            kwargs["form_class"] = MarkdownFormField
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if is_markdown(db_field) and field is not None:
            field.validators.append(validate_internal_links)
        return field


@staff_member_required
@require_POST
def markdown_preview(request):
    # The one field the widget posts (its name varies: "answer", "steps-0-body", ...).
    text = next((v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"), "")[:MAX_PREVIEW_CHARS]
    # Links that go nowhere (or to a page owners can't see yet), said while typing, before the save refuses them.
    problems = check_paths(internal_paths(text))
    notes = format_html_join("", '<p class="errornote">{}</p>', ((problem.words(),) for problem in problems))
    return HttpResponse(notes + render_markdown(text))
