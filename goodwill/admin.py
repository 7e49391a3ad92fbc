"""Dealers, and owners' goodwill requests (personal data: Dealer liaison's, not editors')."""

import csv

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from core.history import HistoryAdmin
from goodwill.models import Dealer, GoodwillRequest


@admin.register(Dealer)
class DealerAdmin(HistoryAdmin):
    list_display = ["name", "code", "town", "country", "email", "active"]
    list_filter = ["active", "country"]
    search_fields = ["name", "code", "town"]
    prepopulated_fields = {"code": ["name"]}


# What makes a spreadsheet read a cell as a formula (OWASP "CSV injection"), and the full-width
# forms some spreadsheets also accept: = + - @ tab CR LF, ＝ ＋ － ＠.
FORMULA_LEADS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def csv_cell(value) -> str:
    """Cells a spreadsheet would run as a formula are prefixed, so owners' text stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_LEADS else text


@admin.register(GoodwillRequest)
class GoodwillRequestAdmin(admin.ModelAdmin):
    """Personal data: Django's model permissions decide who may see it (view/change goodwill request)."""

    list_display = ["reference", "created_at", "dealer", "owner_name", "registration", "status", "email_sent_at"]
    list_filter = ["status", "dealer", "service_history", "created_at"]
    search_fields = ["reference", "registration", "owner_email"]
    readonly_fields = ["reference", "created_at", "updated_at", "email_sent_at", "personal_data_erased_at", "outcome"]
    exclude = ["token", "submission_key"]
    actions = ["export_csv", "mark_sent", "mark_accepted", "mark_declined"]
    date_hierarchy = "created_at"

    CSV_FIELDS = [
        "reference",
        "created_at",
        "status",
        "dealer",
        "owner_name",
        "owner_email",
        "owner_phone",
        "registration",
        "vin",
        "first_registration_year",
        "mileage_km",
        "service_history",
        "diagnosis",
        "notes",
    ]

    @admin.action(description=_("Export the selected requests as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="goodwill-requests.csv"'
        writer = csv.writer(response)
        writer.writerow(self.CSV_FIELDS)
        for row in queryset.select_related("dealer"):
            writer.writerow([csv_cell(getattr(row, name)) for name in self.CSV_FIELDS])
        return response

    def _set_status(self, request, queryset, status):
        updated = queryset.update(status=status)
        self.message_user(request, _("%(n)d request(s) updated.") % {"n": updated}, messages.SUCCESS)

    @admin.action(description=_("Mark as sent to dealer"), permissions=["change"])
    def mark_sent(self, request, queryset):
        self._set_status(request, queryset, GoodwillRequest.Status.SENT)

    @admin.action(description=_("Mark as accepted"), permissions=["change"])
    def mark_accepted(self, request, queryset):
        self._set_status(request, queryset, GoodwillRequest.Status.ACCEPTED)

    @admin.action(description=_("Mark as declined"), permissions=["change"])
    def mark_declined(self, request, queryset):
        self._set_status(request, queryset, GoodwillRequest.Status.DECLINED)

    def has_add_permission(self, request):
        return False  # requests come from owners
