import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from guides.illustrations import IllustrationChoiceMixin
from guides.models import (
    FAQ,
    CostEstimate,
    Dealer,
    GoodwillRequest,
    GuidePart,
    GuideStep,
    GuideTool,
    OwnerExperience,
    PreventionTip,
    PullQuote,
    RepairGuide,
    SourceArticle,
)
from guides.pictures import PictureFormMixin
from troubleshooter import services
from troubleshooter.history import HistoryAdmin
from troubleshooter.markdown_preview import MarkdownPreviewMixin
from troubleshooter.ordering import MoveUpDownMixin

STEP_PARKING = 10_000  # steps are moved out of the way above this while they are renumbered


class GuideToolInline(admin.TabularInline):
    model = GuideTool
    extra = 0
    classes = ["collapse"]  # folded away: the steps are what editors change most


class GuidePartInline(admin.TabularInline):
    model = GuidePart
    extra = 0
    classes = ["collapse"]


class StepForm(PictureFormMixin, forms.ModelForm):
    """A step's number is where the editor wants it, not a key: two steps may briefly share one."""

    def validate_unique(self):
        self._validate_without_order(self.instance.validate_unique)

    def validate_constraints(self):
        self._validate_without_order(self.instance.validate_constraints)

    def _validate_without_order(self, validate):
        try:
            validate(exclude=self._get_validation_exclusions() | {"order"})
        except ValidationError as error:
            self._update_errors(error)


class StepFormSet(BaseInlineFormSet):
    def validate_unique(self):
        pass  # numbers are renumbered 1..n on save (RepairGuideAdmin.save_formset)


class GuideStepInline(IllustrationChoiceMixin, MarkdownPreviewMixin, admin.StackedInline):
    model = GuideStep
    form = StepForm
    formset = StepFormSet
    extra = 0
    # Compact steps: short text boxes (they scroll), so a long guide stays a short page.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}}


class RepairGuideForm(forms.ModelForm):
    def clean_status(self):
        # Also what a revert to an old draft revision goes through.
        status = self.cleaned_data["status"]
        if status != RepairGuide.Status.PUBLISHED and self.instance.pk and (faults := services.unpublish_faults(self.instance)):
            raise ValidationError(faults)
        return status


@admin.register(RepairGuide)
class RepairGuideAdmin(HistoryAdmin):
    form = RepairGuideForm
    actions = HistoryAdmin.PUBLISH_ACTIONS
    list_display = ["title", "problem", "purpose", "difficulty", "status"]
    list_filter = ["problem", "purpose", "status"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [GuideToolInline, GuidePartInline, GuideStepInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not GuideStep:
            return super().save_formset(request, form, formset, change)
        # Moving a step is typing its new number: "3" moves it to third place and the others
        # shift; the steps are then numbered 1..n. Saved in two phases so no two rows ever
        # share a number in the database, whatever order the rows are written in.
        with transaction.atomic():
            formset.save(commit=False)
            for step in formset.deleted_objects:
                step.delete()
            deleted = {step.pk for step in formset.deleted_objects}
            kept = [
                (f.instance.order or 0, 0 if f.has_changed() else 1, n, f.instance)
                for n, f in enumerate(formset.forms)
                if f.instance.pk not in deleted and (f.instance.pk or f.has_changed()) and f.cleaned_data
            ]
            GuideStep.objects.filter(guide=form.instance).update(order=F("order") + STEP_PARKING)
            for number, (*_key, step) in enumerate(sorted(kept, key=lambda k: k[:3]), start=1):
                step.guide = form.instance
                step.order = number
                step.save()

    def in_use(self, obj):
        """A guide the live diagnosis sends owners to (or shows as a how-to) is in use."""
        return services.guide_live_uses(obj)


@admin.register(FAQ)
class FAQAdmin(MoveUpDownMixin, HistoryAdmin):
    actions = HistoryAdmin.PUBLISH_ACTIONS
    list_display = ["question", "problem", "order", "status"]
    list_filter = ["problem", "status"]
    prepopulated_fields = {"slug": ["question"]}


@admin.register(PreventionTip)
class PreventionTipAdmin(MoveUpDownMixin, HistoryAdmin):
    list_display = ["title", "problem", "order"]
    list_filter = ["problem"]


@admin.register(OwnerExperience)
class OwnerExperienceAdmin(MoveUpDownMixin, HistoryAdmin):
    list_display = ["__str__", "problem", "order"]


@admin.register(PullQuote)
class PullQuoteAdmin(MoveUpDownMixin, HistoryAdmin):
    list_display = ["text", "problem", "order"]


@admin.register(CostEstimate)
class CostEstimateAdmin(MoveUpDownMixin, HistoryAdmin):
    list_display = ["route", "problem", "min_eur", "max_eur"]


@admin.register(SourceArticle)
class SourceArticleAdmin(HistoryAdmin):
    list_display = ["title", "publisher", "problem"]


# Steps, tools and parts are edited inside their guide; registered on their own
# too so an editor can search across guides.
admin.site.register(GuideStep)
admin.site.register(GuideTool)
admin.site.register(GuidePart)


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
