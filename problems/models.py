"""The fault itself, which the guides, FAQs, goodwill requests and the diagnosis all hang on: which
cars, the problem, and the article its content comes from."""

import reversion
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Publishable


class Vehicle(models.Model):
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=60)
    generation = models.CharField(_("generation"), max_length=30, help_text=_("For example K12."))
    year_from = models.PositiveSmallIntegerField(_("first model year"))
    year_to = models.PositiveSmallIntegerField(_("last model year"))
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        db_table = "troubleshooter_vehicle"  # the table of the app it came from: moved without copying
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["make", "model", "year_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_from__lte=models.F("year_to")),
                name="vehicle_years_in_order",
                violation_error_message=_("The first model year must not be after the last."),
            ),
            models.UniqueConstraint(fields=["make", "model", "generation"], name="vehicle_unique_generation"),
        ]

    def __str__(self):
        return f"{self.make} {self.model} {self.generation} ({self.year_from}-{self.year_to})"


class Problem(Publishable):
    """One fault on one or more cars, e.g. the boot lock that will not open."""

    title = models.CharField(_("title"), max_length=200)
    short_title = models.CharField(_("short title"), max_length=80, help_text=_("Used in menus and page titles."))
    vehicles = models.ManyToManyField(Vehicle, related_name="problems", verbose_name=_("vehicles"))
    summary = models.TextField(_("summary"), help_text=_("Markdown. Shown on the home page and the overview."))
    symptoms_intro = models.TextField(_("symptoms introduction"), blank=True, help_text=_("Markdown."))
    affected_note = models.TextField(_("which cars are affected"), blank=True, help_text=_("Markdown."))
    goodwill_advice = models.TextField(_("goodwill advice"), blank=True, help_text=_("Markdown."))
    costs_note = models.TextField(_("about the costs"), blank=True, help_text=_("Markdown."))
    goodwill_letter_note = models.TextField(
        _("known weak point, for the goodwill letter"),
        blank=True,
        help_text=_("Plain text. Tells the dealer why this fault deserves a goodwill repair."),
    )

    class Meta:
        db_table = "troubleshooter_problem"  # the table of the app it came from: moved without copying
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("troubleshooter:problem_detail", kwargs={"slug": self.slug})


class SourceArticle(models.Model):
    """The article a problem's content comes from, with its attribution."""

    problem = models.OneToOneField(Problem, on_delete=models.CASCADE, related_name="source_article")
    title = models.CharField(_("title"), max_length=200)
    publisher = models.CharField(_("publisher"), max_length=100)
    url = models.URLField(_("link to the publisher"))
    attribution = models.TextField(_("attribution"), help_text=_("Markdown."))
    publisher_note = models.TextField(_("publisher's own note"), blank=True, help_text=_("Markdown."))

    class Meta:
        db_table = "guides_sourcearticle"  # the table of the app it came from: moved without copying
        verbose_name = _("source article")
        verbose_name_plural = _("source articles")

    def __str__(self):
        return f"{self.publisher}: {self.title}"


# History for the admin (django-reversion): see troubleshooter.models.
reversion.register(Vehicle)
reversion.register(Problem)
reversion.register(SourceArticle)
