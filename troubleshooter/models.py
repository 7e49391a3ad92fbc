"""The fault itself: which cars, what the owner notices, and what causes it."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
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


class Vehicle(models.Model):
    make = models.CharField(_("make"), max_length=60)
    model = models.CharField(_("model"), max_length=60)
    generation = models.CharField(_("generation"), max_length=30, help_text=_("For example K12."))
    year_from = models.PositiveSmallIntegerField(_("first model year"))
    year_to = models.PositiveSmallIntegerField(_("last model year"))
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["make", "model", "year_from"]
        constraints = [
            models.CheckConstraint(condition=Q(year_from__lte=models.F("year_to")), name="vehicle_years_in_order"),
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

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("troubleshooter:problem_detail", kwargs={"slug": self.slug})


class Symptom(Publishable):
    """Something the owner notices, in their words."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="symptoms", verbose_name=_("problem"))
    name = models.CharField(_("name"), max_length=120, help_text=_("Short, in the owner's words."))
    description = models.TextField(_("description"), help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("symptom")
        verbose_name_plural = _("symptoms")
        ordering = ["problem", "order", "pk"]

    def __str__(self):
        return self.name


class Cause(Publishable):
    """What has actually failed."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="causes", verbose_name=_("problem"))
    name = models.CharField(_("name"), max_length=120)
    explanation = models.TextField(_("explanation"), help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Most likely first."))
    symptoms = models.ManyToManyField(Symptom, through="CauseSymptom", related_name="causes", verbose_name=_("symptoms"))

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["problem", "order", "pk"]

    def __str__(self):
        return self.name


class CauseSymptom(models.Model):
    """How strongly a symptom points to a cause."""

    class Strength(models.IntegerChoices):
        WEAK = 1, _("sometimes")
        MODERATE = 2, _("often")
        STRONG = 3, _("typically")

    cause = models.ForeignKey(Cause, on_delete=models.CASCADE, related_name="symptom_links")
    symptom = models.ForeignKey(Symptom, on_delete=models.CASCADE, related_name="cause_links")
    strength = models.PositiveSmallIntegerField(_("how strongly it points here"), choices=Strength.choices)

    class Meta:
        verbose_name = _("symptom of a cause")
        verbose_name_plural = _("symptoms of causes")
        ordering = ["-strength", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cause", "symptom"], name="causesymptom_unique_pair"),
            models.CheckConstraint(condition=Q(strength__gte=1, strength__lte=3), name="causesymptom_strength_range"),
        ]

    def __str__(self):
        return f"{self.symptom} → {self.cause} ({self.get_strength_display()})"
