from django.contrib import admin

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
    SourceArticle,
)


class GuideToolInline(admin.TabularInline):
    model = GuideTool
    extra = 0


class GuidePartInline(admin.TabularInline):
    model = GuidePart
    extra = 0


class GuideStepInline(admin.StackedInline):
    model = GuideStep
    extra = 0


@admin.register(RepairGuide)
class RepairGuideAdmin(admin.ModelAdmin):
    list_display = ["title", "problem", "purpose", "difficulty", "status"]
    list_filter = ["problem", "purpose", "status"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["causes"]
    inlines = [GuideToolInline, GuidePartInline, GuideStepInline]


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ["question", "problem", "order", "status"]
    list_filter = ["problem", "status"]
    prepopulated_fields = {"slug": ["question"]}


@admin.register(PreventionTip)
class PreventionTipAdmin(admin.ModelAdmin):
    list_display = ["title", "problem", "order"]
    list_filter = ["problem"]


@admin.register(OwnerExperience)
class OwnerExperienceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "problem", "order"]


@admin.register(PullQuote)
class PullQuoteAdmin(admin.ModelAdmin):
    list_display = ["text", "problem", "order"]


@admin.register(CostEstimate)
class CostEstimateAdmin(admin.ModelAdmin):
    list_display = ["route", "problem", "min_eur", "max_eur"]


@admin.register(SourceArticle)
class SourceArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "problem"]


# Steps, tools and parts are edited inside their guide; registered on their own
# too so an editor can search across guides.
admin.site.register(GuideStep)
admin.site.register(GuideTool)
admin.site.register(GuidePart)
