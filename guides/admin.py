from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from core import publishing
from core.history import HistoryAdmin
from core.illustrations import IllustrationChoiceMixin
from core.markdown_preview import MarkdownPreviewMixin
from core.ordering import MoveUpDownMixin, renumber_typed, revert_with_numbers_parked
from core.pictures import PictureFormMixin
from guides.models import (
    FAQ,
    CostEstimate,
    GuidePart,
    GuideStep,
    GuideTool,
    OwnerExperience,
    PreventionTip,
    PullQuote,
    RepairGuide,
)
from problems.models import Problem

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
    """A step's number is where the editor wants it, not a key: two steps may briefly share one,
    and a new step without one goes last."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Empty: after the others. Type a number to move it there.")

    def validate_unique(self):
        self._validate_without_order(self.instance.validate_unique)

    def validate_constraints(self):
        self._validate_without_order(self.instance.validate_constraints)

    def _validate_without_order(self, validate):
        try:
            validate(exclude=self._get_validation_exclusions() | {"order"})
        except ValidationError as error:
            self._update_errors(error)


LAST = 10**6  # a step given no number sorts after every numbered one


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

    def illustrations_for(self, request):
        # The guide's problem: from the guide being edited, or the add form's address.
        if guide_id := request.resolver_match.kwargs.get("object_id"):
            return RepairGuide.objects.filter(pk=unquote(guide_id)).values_list("problem__slug", flat=True).first()
        if (problem_id := request.GET.get("problem", "")).isdigit():
            return Problem.objects.filter(pk=problem_id).values_list("slug", flat=True).first()
        return None


class RepairGuideForm(forms.ModelForm):
    def clean_status(self):
        # Also what a revert to an old draft revision goes through.
        status = self.cleaned_data["status"]
        if (
            status != RepairGuide.Status.PUBLISHED
            and self.instance.pk
            and (faults := publishing.status_refusals(self.instance, published=False))
        ):
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

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # The steps' old numbers must not collide with the current ones (core.ordering).
        steps = GuideStep.objects.filter(guide_id=unquote(object_id))
        return revert_with_numbers_parked(
            request, steps, lambda: super(RepairGuideAdmin, self).revision_view(request, object_id, version_id, extra_context)
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not GuideStep:
            super().save_formset(request, form, formset, change)
            renumber_typed(formset)  # tools and parts: a typed number moves the row there
            return
        # Moving a step is typing its new number: "3" moves it to third place and the others
        # shift; the steps are then numbered 1..n. Saved in two phases so no two rows ever
        # share a number in the database, whatever order the rows are written in.
        with transaction.atomic():
            formset.save(commit=False)
            for step in formset.deleted_objects:
                step.delete()
            deleted = {step.pk for step in formset.deleted_objects}
            kept = [
                (f.instance.order or LAST, 0 if f.has_changed() else 1, n, f.instance)
                for n, f in enumerate(formset.forms)
                if f.instance.pk not in deleted and (f.instance.pk or f.has_changed()) and f.cleaned_data
            ]
            GuideStep.objects.filter(guide=form.instance).update(order=F("order") + STEP_PARKING)
            for number, (*_key, step) in enumerate(sorted(kept, key=lambda k: k[:3]), start=1):
                step.guide = form.instance
                step.order = number
                step.save()


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


# Steps, tools and parts are edited inside their guide; registered on their own
# too so an editor can search across guides.
admin.site.register(GuideStep)
admin.site.register(GuideTool)
admin.site.register(GuidePart)
