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
    goodwill_letter_note = models.TextField(
        _("known weak point, for the goodwill letter"),
        blank=True,
        help_text=_("Plain text. Tells the dealer why this fault deserves a goodwill repair."),
    )
    start_question = models.ForeignKey(
        "Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first question of the diagnosis"),
    )

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
    keywords = models.CharField(
        _("owners' words"),
        max_length=300,
        blank=True,
        help_text=_("Other words owners use for this, for the search box. Comma-separated."),
    )
    implies_answer = models.ForeignKey(
        "Answer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("starts the diagnosis with this answer"),
    )

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


# --- The diagnosis: a small decision graph editors change in the admin -------------------


class Outcome(Publishable):
    """Where a diagnosis ends: what failed and what to do now."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("problem"))
    title = models.CharField(_("title"), max_length=200, help_text=_("The finding in plain words."))
    cause = models.ForeignKey(
        Cause, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcomes", verbose_name=_("cause")
    )
    explanation = models.TextField(_("why"), help_text=_("Markdown."))
    next_step = models.TextField(_("what to do now"), blank=True, help_text=_("Markdown. Needed when no guide is linked."))
    guides = models.ManyToManyField(
        "guides.RepairGuide", through="OutcomeGuide", blank=True, related_name="outcomes", verbose_name=_("guides to follow")
    )
    suggest_goodwill = models.BooleanField(_("suggest asking the dealer for goodwill first"), default=False)
    emergency_note = models.TextField(
        _("if you are locked out now"), blank=True, help_text=_("Markdown. Shown at the top of the outcome.")
    )
    next_if_unsolved = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("next most likely, if this did not solve it"),
    )

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["problem", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("troubleshooter:outcome_detail", kwargs={"problem_slug": self.problem.slug, "slug": self.slug})

    @property
    def published_guides(self):
        """Needs `selectors.outcome_guides_prefetch()`."""
        return [link.guide for link in self.published_guide_links]


class OutcomeGuide(models.Model):
    """A guide an outcome sends the owner to, in the order they should follow them."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="guide_links")
    guide = models.ForeignKey("guides.RepairGuide", on_delete=models.CASCADE, related_name="outcome_links")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("guide to follow")
        verbose_name_plural = _("guides to follow")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["outcome", "guide"], name="outcomeguide_unique_pair")]

    def __str__(self):
        return f"{self.outcome} → {self.guide}"


class Question(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="questions", verbose_name=_("problem"))
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    prompt = models.CharField(_("question"), max_length=250)
    help = models.TextField(_("how to check"), blank=True, help_text=_("Markdown."))
    picture = models.FileField(_("picture"), upload_to="diagnosis/", blank=True)
    picture_alt = models.CharField(_("picture description"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["problem", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(picture="") | ~Q(picture_alt=""), name="question_picture_needs_description"),
        ]

    def __str__(self):
        return self.prompt


class Answer(models.Model):
    """One choice on a question; leads to another question or to an outcome."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question"))
    slug = models.SlugField(_("slug"), max_length=60, help_text=_("Appears in the address; unique within the question."))
    label = models.CharField(_("answer"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    next_question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reached_by",
        verbose_name=_("leads to question"),
    )
    outcome = models.ForeignKey(
        Outcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="reached_by", verbose_name=_("leads to outcome")
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "slug"], name="answer_unique_slug_per_question"),
            # An answer leads to a question or to an outcome, never both. (Leading
            # nowhere is allowed while an editor builds the graph; the integrity
            # check reports it.)
            models.CheckConstraint(condition=Q(next_question__isnull=True) | Q(outcome__isnull=True), name="answer_one_target"),
        ]

    def __str__(self):
        return self.label


class OutcomeFeedback(models.Model):
    """One owner's "Did this solve it?" answer."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="feedback")
    solved = models.BooleanField(_("solved"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("outcome feedback")
        verbose_name_plural = _("outcome feedback")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.outcome}: {'solved' if self.solved else 'not solved'}"


class SearchEntry(models.Model):
    """One published symptom, guide or FAQ, flattened for full-text search.

    Rebuilt from the content whenever it changes (see troubleshooter.search). On
    SQLite an FTS5 table mirrors it through triggers; on PostgreSQL the text is
    searched with to_tsvector.
    """

    class Kind(models.TextChoices):
        SYMPTOM = "symptom", _("Symptom")
        GUIDE = "guide", _("Guide")
        FAQ = "faq", _("Question and answer")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=250)
    body = models.TextField()
    keywords = models.TextField(blank=True)
    url = models.CharField(max_length=300)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique_object")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"
