"""The admin's history: old values, revert and undelete (django-reversion), and deletes that
are refused while an item is in use.

Chosen over django-simple-history because its revisions follow inlines: a guide's revision
holds its steps, a cause's its marks, so one "recover" brings the whole item back.
django-reversion-compare adds the diff: any two revisions of an item side by side, field by
field, with what changed in its followed items (steps, marks) too.
"""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from reversion_compare.admin import CompareVersionAdmin
from reversion_compare.helpers import html_diff

from core import links, publishing
from core.markdown_preview import MarkdownPreviewMixin
from core.revisions import keep_baseline

# An add form opened from a list of steps (a new fault's set-up) returns there after the save.
NEXT_PARAM = "next"


class HistoryAdmin(MarkdownPreviewMixin, CompareVersionAdmin):
    """VersionAdmin that also keeps a revision of what is deleted, however it was created.

    Content loaded by `load_content` has no revision until an editor saves it; without this, a
    deleted item that was never edited could not be recovered.
    """

    # Content with its own page (Publishable) lists these in its `actions`.
    PUBLISH_ACTIONS = ["publish_items", "unpublish_items"]

    @admin.action(description=_lazy("Publish the selected items (show them on the site)"), permissions=["change"])
    def publish_items(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=_lazy("Unpublish the selected items (take them off the site)"), permissions=["change"])
    def unpublish_items(self, request, queryset):
        self._set_published(request, queryset, False)

    def changelist_view(self, request, extra_context=None):
        # Not one revision around the whole list page (django-reversion's default, for list
        # editing, which these lists don't use): an action such as "Make a draft copy" would put
        # everything it touched into one revision, and reverting any one item would then revert
        # (and delete) all of it. Actions and moves record their own revisions, item by item.
        context = {"has_change_permission": self.has_change_permission(request)} | (extra_context or {})
        return admin.ModelAdmin.changelist_view(self, request, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and (obj := self.get_object(request, unquote(object_id))) is not None:
            keep_baseline([obj], request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def _set_published(self, request, queryset, published):
        items = list(queryset)
        keep_baseline(items, request.user)
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(_("Published") if published else _("Unpublished"))
            changed, refusals = publishing.set_published(items, published)
        if published:
            # Now public: its own links to pages owners can't see yet send them to "page not found".
            for item in items:
                for warning in links.unpublished_link_warnings(*links.markdown_texts(item)):
                    self.message_user(request, f"“{item}”: {warning}", messages.WARNING)
        if not published:
            # Taken off the site: text that still links to it now sends owners nowhere.
            for item in items:
                if item.status != "published" and (path := links.page_path(item)):
                    for text in links.texts_linking_to(path):
                        self.message_user(
                            request,
                            _("%(text)s links to “%(item)s”, which owners can no longer see: change the link.")
                            % {"text": text, "item": item},
                            messages.WARNING,
                        )
        for refusal in refusals:
            words = _("Not published: %(r)s") if published else _("Not taken off the site: %(r)s")
            self.message_user(request, words % {"r": refusal}, messages.ERROR)
        self.message_user(request, _("%(n)d item(s) changed.") % {"n": changed})

    def compare_ManyToOneRel(self, obj_compare):
        """Rows that belong to the item (a guide's steps, a cause's marks): the library lists only
        their names; an editor needs the text that changed, so each changed row shows its changed
        fields as a diff, and an added or removed row its whole text."""
        info = obj_compare.get_m2o_change_info()
        parent_link = obj_compare.field.field.attname  # the row's link to this item: same in every row
        # Changed rows in their new order (a step's number), as the editor knows them.
        changed = sorted(info["changed_items"], key=lambda pair: (pair[1].field_dict.get("order") or 0, str(pair[1])))
        rows = [{"state": "changed", "title": new, "fields": changed_fields(old, new, parent_link)} for old, new in changed]
        rows += [{"state": "added", "title": v, "fields": changed_fields(None, v, parent_link)} for v in info["added_items"]]
        gone = info["removed_items"] + info["deleted_items"]
        rows += [{"state": "removed", "title": v, "fields": changed_fields(v, None, parent_link)} for v in gone]
        return render_to_string("admin/history/compare_rows.html", {"rows": rows, "unchanged": len(info["same_items"])})

    def way_back(self, request) -> str:
        """Where a plain save returns to: the `next` page it was opened from (the set-up steps),
        if any and on this site."""
        back = request.GET.get(NEXT_PARAM, "")
        plain_save = not any(key in request.POST for key in ("_continue", "_addanother", "_saveasnew", "_popup"))
        return back if back and plain_save and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) else ""

    def response_add(self, request, obj, post_url_continue=None):
        if back := self.way_back(request):
            self.message_user(request, _("“%(item)s” added.") % {"item": obj}, messages.SUCCESS)
            return redirect(back)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        # After a revert or a recover: say so (not "changed"), and open the item as it now is,
        # not the old revision's form again.
        view = request.resolver_match.url_name if request.resolver_match else ""
        if view.endswith(("_revision", "_recover")):
            words = _("“%(item)s” is back as it was.") if view.endswith("_recover") else _("“%(item)s” is reverted.")
            self.message_user(request, words % {"item": obj}, messages.SUCCESS)
            opts = obj._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        if back := self.way_back(request):
            self.message_user(request, _("“%(item)s” saved.") % {"item": obj}, messages.SUCCESS)
            return redirect(back)
        return super().response_change(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Links to pages owners can't see yet: allowed (a guide and its FAQ may be prepared
        # together), but said, so the editor doesn't send owners to "page not found".
        texts = links.markdown_texts(form.instance)
        for formset in formsets:
            texts += [text for inline in formset.forms if inline.instance.pk for text in links.markdown_texts(inline.instance)]
        for warning in links.unpublished_link_warnings(*texts):
            self.message_user(request, warning, messages.WARNING)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Say plainly whether owners can see what was just saved.
        if getattr(obj, "status", None) == "draft" and hasattr(obj, "is_published"):
            self.message_user(
                request,
                _("“%(item)s” is a draft: owners don't see it until it is published.") % {"item": obj},
                messages.WARNING,
            )

    def in_use(self, obj) -> list[str]:
        """What uses `obj` and must not lose it (in plain words); a delete is refused while any.
        The rooms above say so through core.publishing; an admin may add its own. Text that links
        to its page counts: deleting it would leave owners a "page not found"."""
        # Content with a page of its own (a guide, a problem); a diagnosis item's page belongs to
        # the live version, and what a draft drops is asked about when it is published.
        path = links.page_path(obj) if hasattr(obj, "is_published") else ""
        linking = links.texts_linking_to(path) if path else []
        return publishing.uses(obj) + [_("%(item)s links to it") % {"item": item} for item in linking]

    def keep_before_delete(self, request, objs) -> None:
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(_("Deleted"))
            for obj in objs:
                reversion.add_to_revision(obj)

    def delete_model(self, request, obj):
        self.keep_before_delete(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.keep_before_delete(request, list(queryset))
        super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        uses = [use for obj in objs for use in self.in_use(obj)]
        if uses:
            # The admin lists "protected" items and refuses the delete: say what uses the item, in
            # plain words, instead of which permission a cascade would need.
            return deleted, counts, set(), list(protected) + uses
        return deleted, counts, perms_needed, protected


def changed_fields(old, new, skip: str) -> list[tuple[str, str]]:
    """(label, diff) for each field of a row that differs between two reversion Versions of it
    (either may be None: the row was added or removed); related rows by name, not number."""
    model = (old or new).content_type.model_class()
    before, after = (old.field_dict if old else {}), (new.field_dict if new else {})
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname == skip:
            continue
        values = [shown(field, d.get(field.attname)) for d in (before, after)]
        if values[0] != values[1]:
            fields.append((field.verbose_name, html_diff(*values)))
    return fields


def shown(field, value) -> str:
    if value is None or value == "":
        return ""
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else _("(deleted since)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
