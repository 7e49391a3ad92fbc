"""What every app shares: content with its own address (draft or published), and the rate
limits' counters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Publishable.Status.PUBLISHED)


class Publishable(models.Model):
    """Content with its own address on the site: a slug and a draft/published state."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class RateCount(models.Model):
    """How many times one client did one thing (send a goodwill request, answer "did this solve
    it?") in one time window. Counted with an UPDATE in the database: exact when several app
    servers and workers count at once, which a cache's read-then-write increment is not."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField(help_text="The window's number: its start time divided by its length.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        # Moved here from troubleshooter: the table keeps its name (no copy of the data).
        db_table = "troubleshooter_ratecount"
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="ratecount_one_row_per_window")]

    def __str__(self):
        return f"{self.key} #{self.window}: {self.count}"
