from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from troubleshooter.diagnosis import check_problem
from troubleshooter.models import (
    Answer,
    Cause,
    CauseSymptom,
    Outcome,
    OutcomeFeedback,
    OutcomeGuide,
    Problem,
    Question,
    Symptom,
    Vehicle,
)


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["make", "model", "generation", "year_from", "year_to"]
    prepopulated_fields = {"slug": ["make", "model", "generation"]}


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "status"]
    list_filter = ["status"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["vehicles"]


@admin.register(Symptom)
class SymptomAdmin(admin.ModelAdmin):
    list_display = ["name", "problem", "order", "status"]
    list_filter = ["problem", "status"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["implies_answer"]


class CauseSymptomInline(admin.TabularInline):
    model = CauseSymptom
    extra = 0


@admin.register(Cause)
class CauseAdmin(admin.ModelAdmin):
    list_display = ["name", "problem", "order", "status"]
    list_filter = ["problem", "status"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CauseSymptomInline]


@admin.register(CauseSymptom)
class CauseSymptomAdmin(admin.ModelAdmin):
    list_display = ["symptom", "cause", "strength"]
    list_filter = ["cause__problem", "strength"]


class DiagnosisCheckMixin:
    """After an editor saves part of the diagnosis, say at once if the graph has a fault."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for fault in check_problem(form.instance.problem):
            self.message_user(request, _("Diagnosis check: %(fault)s") % {"fault": fault}, messages.WARNING)


class AnswerInline(admin.TabularInline):
    model = Answer
    fk_name = "question"
    extra = 1
    fields = ["order", "label", "slug", "next_question", "outcome"]


@admin.register(Question)
class QuestionAdmin(DiagnosisCheckMixin, admin.ModelAdmin):
    list_display = ["prompt", "problem"]
    list_filter = ["problem"]
    prepopulated_fields = {"slug": ["prompt"]}
    inlines = [AnswerInline]


class OutcomeGuideInline(admin.TabularInline):
    model = OutcomeGuide
    extra = 1


@admin.register(Outcome)
class OutcomeAdmin(DiagnosisCheckMixin, admin.ModelAdmin):
    list_display = ["title", "problem", "cause", "suggest_goodwill", "status", "solved_count", "unsolved_count"]
    list_filter = ["problem", "status", "suggest_goodwill"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [OutcomeGuideInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                solved_total=Count("feedback", filter=Q(feedback__solved=True)),
                unsolved_total=Count("feedback", filter=Q(feedback__solved=False)),
            )
        )

    @admin.display(description=_("solved it"), ordering="solved_total")
    def solved_count(self, obj):
        return obj.solved_total

    @admin.display(description=_("did not solve it"), ordering="unsolved_total")
    def unsolved_count(self, obj):
        return obj.unsolved_total


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["label", "question", "next_question", "outcome"]
    list_filter = ["question__problem"]
    search_fields = ["label", "question__prompt"]


@admin.register(OutcomeGuide)
class OutcomeGuideAdmin(admin.ModelAdmin):
    list_display = ["outcome", "guide", "order"]


@admin.register(OutcomeFeedback)
class OutcomeFeedbackAdmin(admin.ModelAdmin):
    list_display = ["outcome", "solved", "created_at"]
    list_filter = ["outcome__problem", "solved", "outcome"]
    readonly_fields = ["outcome", "solved", "created_at"]

    def has_add_permission(self, request):
        return False
