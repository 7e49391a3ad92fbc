"""The search index: published signs, guides and FAQs, flattened for full-text search."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from problems.models import Problem


class SearchEntry(models.Model):
    """One published sign, guide or FAQ, flattened for full-text search.

    Rebuilt from the content whenever it changes (see search.index). On
    SQLite an FTS5 table mirrors it through triggers; on PostgreSQL the text's
    weighted vector is stored with it when the index is rebuilt (`search_vector`).
    """

    class Kind(models.TextChoices):
        SYMPTOM = "symptom", _("Sign")
        GUIDE = "guide", _("Guide")
        FAQ = "faq", _("Question and answer")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=250)
    body = models.TextField()
    keywords = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    # PostgreSQL only (empty elsewhere): worked out once per rebuild, not for every row of every search.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        db_table = "troubleshooter_searchentry"  # the table of the app it came from: moved without copying
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique_object")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"
