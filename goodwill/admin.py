"""Dealers, and owners' goodwill requests (personal data: Dealer liaison's, not editors')."""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.history import HistoryAdmin
from goodwill import services
from goodwill.models import Dealer, DealerMember, GoodwillRequest, RequestStep


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


class RequestStepInline(admin.TabularInline):
    """The whole thread between the owner and the dealer, as it happened (read only)."""

    model = RequestStep
    fields = ["number", "created_at", "kind", "by", "by_owner", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GoodwillRequest)
class GoodwillRequestAdmin(admin.ModelAdmin):
    """Personal data: Django's model permissions decide who may see it (view/change goodwill request)."""

    list_display = ["reference", "created_at", "dealer", "owner_name", "registration", "status", "email_sent_at"]
    list_filter = ["status", "dealer", "service_history", "created_at"]
    search_fields = ["reference", "registration", "owner_email"]
    readonly_fields = [
        "reference",
        "created_at",
        "updated_at",
        "email_sent_at",
        "personal_data_erased_at",
        "outcome",
        "share_with_dealer",
        "email_confirmed_at",
        "shared_at",
        "dealer_seen_at",
        "reminder_sent_at",
    ]
    exclude = ["token", "submission_key", "confirm_key"]
    inlines = [RequestStepInline]
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


class InviteDealerUserForm(forms.ModelForm):
    """A dealer's staff member: a user name and address; they choose their own password."""

    username = forms.CharField(label=_("user name"), max_length=150)
    email = forms.EmailField(label=_("email"), help_text=_("The invitation goes here: a link to choose their own password."))

    class Meta:
        model = DealerMember
        fields = ["dealer"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username=username).exists():
            raise ValidationError(_("That user name is taken: choose another."))
        return username


@admin.register(DealerMember)
class DealerMemberAdmin(admin.ModelAdmin):
    """Dealer liaison invites a dealer's staff member and can remove one (their account goes too)."""

    list_display = ["user", "dealer", "email", "has_password", "created_at"]
    list_filter = ["dealer"]
    search_fields = ["user__username", "user__email", "dealer__name"]
    actions = ["send_new_invitation"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InviteDealerUserForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["username", "email", "dealer"] if obj is None else ["dealer"]

    def get_readonly_fields(self, request, obj=None):
        return ["dealer"] if obj is not None else []  # a user belongs to one dealer for good

    @admin.display(description=_("email"))
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("has chosen a password"), boolean=True)
    def has_password(self, obj):
        return obj.user.has_usable_password()

    def save_model(self, request, obj, form, change):
        if change:
            return
        member, link = services.add_dealer_user(
            form.cleaned_data["username"],
            form.cleaned_data["email"],
            form.cleaned_data["dealer"],
            invited_by=request.user.get_username(),
        )
        obj.pk, obj.user = member.pk, member.user
        self.message_user(
            request,
            gettext("Invitation sent to %(email)s (shown here too, in case it does not arrive): %(link)s")
            % {"email": member.user.email, "link": link},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send a new invitation (to those who haven't chosen a password yet)"), permissions=["change"])
    def send_new_invitation(self, request, queryset):
        for member in queryset.select_related("user"):
            if member.user.has_usable_password():
                self.message_user(
                    request,
                    gettext("%(u)s has a password already: they can reset it themselves.") % {"u": member.user},
                    messages.WARNING,
                )
                continue
            link = services.invite_dealer_user(member.user, invited_by=request.user.get_username())
            self.message_user(request, gettext("New invitation for %(u)s: %(link)s") % {"u": member.user, "link": link})

    def delete_model(self, request, obj):
        obj.user.delete()  # the account exists only for this dealer

    def delete_queryset(self, request, queryset):
        get_user_model().objects.filter(dealer_member__in=queryset).delete()
