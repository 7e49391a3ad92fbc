from django.contrib import admin

from core.history import HistoryAdmin
from problems.models import SourceArticle, Vehicle

# Problems' own admin is in troubleshooter/admin.py: its pages show the problem's diagnosis.


@admin.register(Vehicle)
class VehicleAdmin(HistoryAdmin):
    list_display = ["make", "model", "generation", "year_from", "year_to"]
    prepopulated_fields = {"slug": ["make", "model", "generation"]}


@admin.register(SourceArticle)
class SourceArticleAdmin(HistoryAdmin):
    list_display = ["title", "publisher", "problem"]
