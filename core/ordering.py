"""Moving items up and down in the admin lists: the numbers renumber by themselves.

A model's `order` field counts within a scope (a FAQ within its problem, an answer within its
question). "Move up" swaps an item with the one before it and then numbers the whole scope
1, 2, 3…, in two phases so a rule like "one step per number" is never broken on the way.
"""

from __future__ import annotations

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.revisions import keep_baseline
from pagecache.cache import content_changed

PARKING = 10_000  # above any real number, below the field's limit
# Where a revert parks the items of a list while an old revision is restored (core.ordering's
# MoveUpDownMixin.revision_view): above the band number_in_order uses, so the two never collide.
REVERT_PARKING = 2 * PARKING


def number_in_order(model, items) -> None:
    """Give `items` the numbers 1, 2, 3… in list order: first all parked above any real number,
    then set, so a rule like "one step per number" never sees two items share one."""
    for number, item in enumerate(items, start=1):
        item.order = PARKING + number
    model.objects.bulk_update(items, ["order"])
    for number, item in enumerate(items, start=1):
        item.order = number
    model.objects.bulk_update(items, ["order"])
    content_changed()  # bulk writes send no signals: the pages show the new order at once


def renumber_typed(formset) -> None:
    """After an inline formset's save: its rows numbered 1, 2, 3… in the order typed, a row whose
    number the editor typed winning a tie ("1" on the last answer moves it first, the rest shift)."""
    kept = [f for f in formset.forms if f.instance.pk and f not in formset.deleted_forms and f.cleaned_data]
    kept.sort(key=lambda f: (f.instance.order or 0, "order" not in f.changed_data, formset.forms.index(f)))
    items = [f.instance for f in kept]
    if [item.order for item in items] != list(range(1, len(items) + 1)):
        number_in_order(formset.model, items)


def revert_with_numbers_parked(request, rows, revert):
    """Run an admin revert (`revert()`, reversion's revision view) with `rows` parked above their
    numbers first. An old revision holds old numbers; restored one at a time over the current
    ones they may collide (one row per number, where the model says so) and the revert would
    fail with "missing dependency". All in one transaction: looking at a revision changes nothing
    (rolled back), and a saved revert renumbers the rows 1..n (the admin's save)."""
    with transaction.atomic():
        if rows is not None:
            rows.update(order=F("order") + REVERT_PARKING)
        response = revert()
        if not (request.method == "POST" and response.status_code == 302):
            transaction.set_rollback(True)
    return response


@transaction.atomic
def move(obj, scope: str, direction: str) -> bool:
    """Move `obj` one place up or down among the items sharing its `scope`; False at the end."""
    model = type(obj)
    siblings = list(model.objects.select_for_update().filter(**{scope: getattr(obj, scope)}).order_by("order", "pk"))
    index = next(i for i, item in enumerate(siblings) if item.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    number_in_order(model, siblings)
    if reversion.is_active():
        for item in siblings:
            reversion.add_to_revision(item)
    return True


@transaction.atomic
def renumber_around(obj, scope: str) -> None:
    """Number `obj`'s scope 1, 2, 3… with `obj` kept at its own number (it wins a tie), e.g.
    after an editor typed a number or reverted the item to an old one."""
    model = type(obj)
    siblings = list(model.objects.select_for_update().filter(**{scope: getattr(obj, scope)}))
    # Items a revert parked count at their number from before the revert.
    siblings.sort(key=lambda item: (item.order % REVERT_PARKING, item.pk != obj.pk, item.pk))
    if [item.order for item in siblings] == list(range(1, len(siblings) + 1)):
        return
    number_in_order(model, siblings)


class MoveUpDownMixin:
    """Adds ↑/↓ buttons to a ModelAdmin's list; set `order_scope` to the field the numbers count in.

    The buttons submit the list's own form (it carries the CSRF token) to a move view, so they
    work without JavaScript.
    """

    order_scope: str = "problem"

    def get_list_display(self, request):
        # Right after the name, where it can't be pushed off a narrow screen.
        first, *rest = super().get_list_display(request)
        return [first, "move_buttons", *rest]

    @admin.display(description=_lazy("move"))
    def move_buttons(self, obj):
        name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_move"
        return format_html(
            '<button type="submit" class="move-button" formaction="{}" formmethod="post" title="{}" aria-label="{}">↑</button> '
            '<button type="submit" class="move-button" formaction="{}" formmethod="post" title="{}" aria-label="{}">↓</button>',
            reverse(name, args=[obj.pk, "up"]),
            _("Move up"),
            _("Move “%(item)s” up") % {"item": obj},
            reverse(name, args=[obj.pk, "down"]),
            _("Move down"),
            _("Move “%(item)s” down") % {"item": obj},
        )

    def get_urls(self):
        opts = self.model._meta
        move_url = path(
            "<path:object_id>/move/<str:direction>/",
            self.admin_site.admin_view(self.move_view),
            name=f"{opts.app_label}_{opts.model_name}_move",
        )
        return [move_url, *super().get_urls()]

    def move_view(self, request, object_id, direction):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        if obj is None or direction not in ("up", "down"):
            raise Http404
        if not self.has_change_permission(request, obj):
            if not self.has_change_permission(request):
                raise PermissionDenied
            # Allowed in general, not this item: it belongs to the live diagnosis.
            self.message_user(
                request,
                _("“%(item)s” is part of the live version: make a draft copy to change it.") % {"item": obj},
                messages.ERROR,
            )
            return self.redirect_back(request)
        siblings = list(type(obj).objects.filter(**{self.order_scope: getattr(obj, self.order_scope)}))
        keep_baseline(siblings, request.user)
        with reversion.create_revision():
            # Every item that was renumbered, so reverting the move puts them all back.
            reversion.set_user(request.user)
            words = _("Moved “%(item)s” up") if direction == "up" else _("Moved “%(item)s” down")
            reversion.set_comment(words % {"item": obj})
            moved = move(obj, self.order_scope, direction)
        if moved:
            self.message_user(request, _("“%(item)s” moved.") % {"item": obj}, messages.SUCCESS)
        else:
            self.message_user(request, _("“%(item)s” is already at that end.") % {"item": obj}, messages.INFO)
        return self.redirect_back(request)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        siblings = type(obj).objects.filter(**{self.order_scope: getattr(obj, self.order_scope)}) if obj else None
        return revert_with_numbers_parked(
            request, siblings, lambda: super(MoveUpDownMixin, self).revision_view(request, object_id, version_id, extra_context)
        )

    def save_model(self, request, obj, form, change):
        if not change and not obj.order:
            # A new item with no number of its own goes to the end of its list, not the top.
            scope = {self.order_scope: getattr(obj, self.order_scope)}
            obj.order = (type(obj).objects.filter(**scope).aggregate(last=Max("order"))["last"] or 0) + 1
        # A typed number or a revert to an old revision may collide with another item's.
        super().save_model(request, obj, form, change)
        renumber_around(obj, self.order_scope)

    def redirect_back(self, request):
        """To the list the button was pressed in (its filters kept), or else the plain list."""
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            opts = self.model._meta
            back = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return redirect(back)
