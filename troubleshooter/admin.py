from django.contrib import admin

from troubleshooter.models import Cause, CauseSymptom, Problem, Symptom, Vehicle


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
