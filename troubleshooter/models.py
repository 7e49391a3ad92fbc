"""The diagnosis of a problem: its versions, causes, questions and answers, the owner situations
it is checked against, and what owners tell us about it."""

import reversion
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.pictures import Illustrated
from problems.models import Problem

# --- The diagnosis: causes ranked by evidence, in versions editors publish as one ----------
#
# A problem's diagnosis is a `DiagnosisVersion`: its causes (each with a base rate
# and its own outcome page), its questions and their answers, and the marks that say
# how each answer shifts each cause. The public site reads the published version;
# editors change a draft copy, which is checked and published in one step. The
# ranking itself lives in troubleshooter.diagnosis and never names anything here.


class DiagnosisVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="diagnosis_versions", verbose_name=_("problem"))
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(_("what changed"), max_length=250, blank=True)
    lead_threshold = models.PositiveSmallIntegerField(
        _("stop when one cause reaches (%)"),
        default=80,
        help_text=_("The questions stop once the leading cause is at least this likely (between 51 and 99)."),
    )
    first_question = models.ForeignKey(
        "Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("always ask this first"),
        help_text=_("Empty: the diagnosis picks the most useful question."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("diagnosis version")
        verbose_name_plural = _("diagnosis versions")
        ordering = ["problem", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "number"], name="diagnosisversion_unique_number"),
            # One live version and at most one draft per problem, whatever happens at once.
            models.UniqueConstraint(
                fields=["problem"],
                condition=Q(status="published"),
                name="diagnosisversion_one_published",
                violation_error_message=_(
                    "This problem already has a live version: publish a draft instead, which retires the live one."
                ),
            ),
            models.UniqueConstraint(
                fields=["problem"],
                condition=Q(status="draft"),
                name="diagnosisversion_one_draft",
                violation_error_message=_("This problem already has a draft: edit that one, or delete it first."),
            ),
            models.CheckConstraint(
                condition=Q(lead_threshold__gte=51, lead_threshold__lte=99),
                name="diagnosisversion_threshold_range",
                violation_error_message=_("“How sure before stopping” must be between 51 and 99 per cent."),
            ),
        ]

    def __str__(self):
        return f"{self.problem.short_title} v{self.number} ({self.get_status_display()})"


class Cause(models.Model):
    """What has actually failed, or a fault that only looks like this one; with its outcome page."""

    class Kind(models.TextChoices):
        FAULT = "fault", _("This fault")
        LOOKALIKE = "lookalike", _("Looks like it, but is another fault")
        # The boot lock itself, but nothing to repair: it passes (a frozen lock thaws) or has a
        # quick fix (a new battery in the key). Its outcome has no parts list.
        QUICK_FIX = "quick_fix", _("Passes by itself or has a quick fix: nothing to repair")
        CATCH_ALL = "catch_all", _("Something else (catch-all)")

    class Source(models.TextChoices):
        ARTICLE = "article", _("The problem's source article")
        OWNERS = "owners", _("Owners' reports")
        SITE = "site", _("This site's advice")

    version = models.ForeignKey(DiagnosisVersion, on_delete=models.CASCADE, related_name="causes", verbose_name=_("version"))
    slug = models.SlugField(_("slug"), max_length=80, help_text=_("Appears in the address of its outcome page."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FAULT)
    name = models.CharField(_("name"), max_length=120, help_text=_("What has failed, in plain words."))
    base_rate = models.PositiveSmallIntegerField(
        _("how common"),
        help_text=_("Out of 100 owners with this problem, about how many have this cause. Only the ratios matter."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("outcome title"), max_length=200, help_text=_("The heading of its outcome page."))
    explanation = models.TextField(_("why"), help_text=_("Markdown."))
    next_step = models.TextField(_("what to do now"), blank=True, help_text=_("Markdown. Needed when no guide is linked."))
    guides = models.ManyToManyField(
        "guides.RepairGuide", through="CauseGuide", blank=True, related_name="causes", verbose_name=_("guides to follow")
    )
    suggest_goodwill = models.BooleanField(_("suggest asking the dealer for goodwill first"), default=False)
    emergency_note = models.TextField(
        _("urgent help, shown first"),
        blank=True,
        help_text=_("Markdown. At the top of the outcome, for an owner who needs help right now (a boot: how to open it)."),
    )
    source = models.CharField(_("where this comes from"), max_length=10, choices=Source.choices, default=Source.ARTICLE)
    source_note = models.TextField(_("sources"), blank=True, help_text=_("Markdown: links to the owners' reports used."))

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="cause_unique_slug_per_version"),
            models.CheckConstraint(
                condition=Q(base_rate__gte=1, base_rate__lte=1000),
                name="cause_base_rate_range",
                violation_error_message=_("“How common” must be between 1 and 1000 (out of 100 owners, about how many)."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("troubleshooter:outcome_detail", kwargs={"problem_slug": self.version.problem.slug, "slug": self.slug})

    @property
    def is_this_fault(self) -> bool:
        return self.kind == self.Kind.FAULT

    @property
    def is_about_this_problem(self) -> bool:
        """This fault or a quick fix of the same lock; not a look-alike or the catch-all."""
        return self.kind in (self.Kind.FAULT, self.Kind.QUICK_FIX)

    @property
    def published_guides(self):
        """Needs `selectors.cause_guides_prefetch()`."""
        return [link.guide for link in self.published_guide_links]


class CauseGuide(models.Model):
    """A guide a cause's outcome sends the owner to, in the order they should follow them."""

    cause = models.ForeignKey(Cause, on_delete=models.CASCADE, related_name="guide_links")
    guide = models.ForeignKey("guides.RepairGuide", on_delete=models.CASCADE, related_name="cause_links")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("guide to follow")
        verbose_name_plural = _("guides to follow")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["cause", "guide"], name="causeguide_unique_pair")]

    def __str__(self):
        return f"{self.cause} → {self.guide}"


class Question(Illustrated):
    class Effort(models.IntegerChoices):
        LOOK = 1, _("Look or listen")
        CHECK = 2, _("A simple check")
        TEST = 3, _("A test with a panel off")

    class Kind(models.TextChoices):
        SINGLE = "single", _("Pick one answer")
        CHECKLIST = "checklist", _("Tick what you notice")
        ACCESS = "access", _("Can you do the questions of this effort now? (yes / not now)")

    version = models.ForeignKey(DiagnosisVersion, on_delete=models.CASCADE, related_name="questions", verbose_name=_("version"))
    slug = models.SlugField(_("slug"), max_length=60, help_text=_("Appears in the address."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    effort = models.PositiveSmallIntegerField(_("effort"), choices=Effort.choices, default=Effort.LOOK)
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("The order of answers in the address."))
    prompt = models.CharField(_("question"), max_length=250)
    help = models.TextField(_("how to check"), blank=True, help_text=_("Markdown."))
    how_to_guide = models.ForeignKey(
        "guides.RepairGuide",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("how to check (guide)"),
        help_text=_("Its tools, time and steps are shown under “How do I check this?”, without leaving the question."),
    )
    asked_after = models.CharField(
        _("asked only after"),
        max_length=300,
        blank=True,
        help_text=_(
            "A follow-up: answers as question/answer addresses, comma-separated (for example “signs/frost”). The "
            "question is asked, and offered as a check, only to owners who gave one of them. Empty: asked to anyone."
        ),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="question_unique_slug_per_version"),
            models.CheckConstraint(
                condition=Q(picture="") | ~Q(picture_alt=""),
                name="question_picture_needs_description",
                violation_error_message=_("A picture needs a description for owners who can't see it."),
            ),
        ]

    def __str__(self):
        return self.prompt

    @property
    def is_checklist(self) -> bool:
        return self.kind == self.Kind.CHECKLIST


# The value a checklist's form always sends, so "answered, nothing ticked" differs from "not asked yet".
CHECKLIST_ANSWERED = "answered"


class Answer(models.Model):
    """One choice on a question (or one sign on a checklist), and how it shifts the causes."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question"))
    slug = models.SlugField(_("slug"), max_length=60, help_text=_("Appears in the address; unique within the question."))
    label = models.CharField(_("answer"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    no_evidence = models.BooleanField(
        _("adds no evidence"), default=False, help_text=_("For “not sure” and “I can't do this test”.")
    )
    group = models.SlugField(
        _("evidence group"),
        max_length=60,
        blank=True,
        help_text=_(
            "Answers with one root (for example water getting in) share a group: per cause, only the strongest mark "
            "in a group counts."
        ),
    )
    description = models.TextField(
        _("about this sign"), blank=True, help_text=_("Markdown. A sign with a description is listed on the overview.")
    )
    keywords = models.CharField(
        _("owners' words"),
        max_length=300,
        blank=True,
        help_text=_("Other words owners use for this, for the search box. Comma-separated."),
    )
    skips = models.CharField(
        _("questions this answer makes impossible now"),
        max_length=300,
        blank=True,
        help_text=_(
            "Addresses (slugs) of questions an owner who gives this answer can't do now, comma-separated: they are "
            "not asked. For example “I can't get into the car” makes “press the boot button” impossible. Skipping "
            "a “can you get to …” question skips every test behind it."
        ),
    )
    same_as = models.CharField(
        _("the same fact as"),
        max_length=300,
        blank=True,
        help_text=_(
            "Answers of other questions that say the same thing, as question/answer addresses, comma-separated "
            "(for example “signs/no-click” on “press the button: nothing”): an owner who gave one is never asked "
            "the other's question."
        ),
    )
    explained_by = models.CharField(
        _("a consequence of"),
        max_length=300,
        blank=True,
        help_text=_(
            "Addresses of the answers that explain this one, comma-separated: an answer of this question (its slug) or "
            "of another (question/answer). An owner "
            "who gives both has one fault, not two. For example a battery run flat by a boot lock that kept "
            "locking and unlocking by itself: “can't get in” is then a consequence, its marks don't count, and "
            "its advice (charge the battery first) shows on the outcome."
        ),
    )
    shelf = models.CharField(
        _("shown behind"),
        max_length=80,
        blank=True,
        help_text=_(
            "Checklist signs only: a heading such as “I hear a noise from the lock”. Rarer signs with the same "
            "heading are shown folded behind it, so the first screen stays short. Empty: shown in the list itself."
        ),
    )
    advice = models.TextField(
        _("advice for owners who give this answer"),
        blank=True,
        help_text=_(
            "Markdown. Shown first under “What to do now” on the outcome of an owner who gave this answer "
            "(not when the answer speaks against that outcome)."
        ),
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "slug"], name="answer_unique_slug_per_question"),
            models.CheckConstraint(
                condition=~Q(slug=CHECKLIST_ANSWERED),
                name="answer_slug_not_reserved",
                violation_error_message=_("“answered” is used by the site itself: choose another slug."),
            ),
        ]

    def __str__(self):
        return self.label


class Mark(models.Model):
    """How one answer shifts one cause, on the editors' scale (no mark = no sign)."""

    class Effect(models.IntegerChoices):
        RULES_OUT = -2, _("rules it out")
        AGAINST = -1, _("against")
        POINTS_TO = 1, _("points to it")
        POINTS_STRONGLY = 2, _("points strongly to it")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="marks", verbose_name=_("answer"))
    cause = models.ForeignKey(Cause, on_delete=models.CASCADE, related_name="marks", verbose_name=_("cause"))
    effect = models.SmallIntegerField(_("effect"), choices=Effect.choices)

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        ordering = ["answer", "cause"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "cause"], name="mark_unique_pair"),
            models.CheckConstraint(
                condition=Q(effect__in=[-2, -1, 1, 2]),
                name="mark_effect_scale",
                violation_error_message=_(
                    "Choose one of the scale's words (rules it out, against, points to it, points strongly to it)."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.answer} → {self.cause}: {self.get_effect_display()}"


class LegacyAnswer(models.Model):
    """How one answer of the old question tree (`?a=` links) translates, so old links keep working."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="legacy_answers")
    question = models.SlugField(max_length=60)
    answer = models.SlugField(max_length=60)
    sets = models.CharField(max_length=200, blank=True, help_text=_("question=answer pairs, joined by &."))
    next_question = models.SlugField(max_length=60, blank=True)
    guide = models.ForeignKey("guides.RepairGuide", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    is_start = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("old link translation")
        verbose_name_plural = _("old link translations")
        constraints = [models.UniqueConstraint(fields=["problem", "question", "answer"], name="legacyanswer_unique")]

    def __str__(self):
        return f"{self.question}/{self.answer} → {self.sets or self.next_question}"


OWNER_CONFIRMED = "owner-confirmed"


class Situation(models.Model):
    """A real owner's situation, from a public report that says what fixed the car (or an owner's
    confirmation on this site, once an editor approves it): a test case for the diagnosis."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="situations", verbose_name=_("problem"))
    slug = models.SlugField(_("slug"), max_length=80)
    words = models.TextField(_("in the owner's words"))
    source_url = models.URLField(
        _("public source"), max_length=500, blank=True, help_text=_("Empty for an owner's confirmation on this site.")
    )
    answers = models.CharField(
        _("answers such an owner gives"),
        max_length=500,
        blank=True,
        help_text=_("question=answer pairs joined by &; questions not listed are answered “not sure”."),
    )
    kind = models.CharField(
        _("kind of source"),
        max_length=20,
        choices=[
            ("owner-report", _("An owner's report")),
            ("garage-case", _("A garage's case")),
            ("garage-pattern", _("A garage page tying a sign to a cause")),
            ("article", _("The Carnews article's own test")),
            ("other-car", _("An owner's report on another car with the same kind of boot lock")),
            (OWNER_CONFIRMED, _("An owner's “Yes, it solved it” on this site")),
        ],
        default="owner-report",
    )
    approved = models.BooleanField(
        _("in the table"),
        default=True,
        help_text=_(
            "An owner's confirmation on this site is a candidate until an editor approves it: owners mostly confirm "
            "what the site told them, so approved ones are reported apart from the researched rows."
        ),
    )
    expected_cause = models.SlugField(_("what fixed it (cause)"), max_length=80)
    held_out = models.BooleanField(_("held out"), default=False, help_text=_("Not used for tuning: the honest test."))
    note = models.TextField(
        _("known miss"),
        blank=True,
        help_text=_("Why this situation may not end on its cause (for example, it conflicts with the article)."),
    )

    class Meta:
        verbose_name = _("owner situation")
        verbose_name_plural = _("owner situations")
        ordering = ["problem", "slug"]
        constraints = [models.UniqueConstraint(fields=["problem", "slug"], name="situation_unique_slug")]

    def __str__(self):
        return self.slug


class Feedback(models.Model):
    """One owner's "Did this solve it?", with the answers that led there.

    One row per client and cause: answering again changes that owner's answer instead of
    adding a vote, so the counts can't be stuffed from one browser.
    """

    cause = models.ForeignKey(Cause, on_delete=models.CASCADE, related_name="feedback")
    answers = models.CharField(_("answers"), max_length=1000, blank=True)
    solved = models.BooleanField(_("solved"))
    # A hash of a random id in the owner's cookie: says "the same browser", nothing about who.
    client = models.CharField(_("browser"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("outcome feedback")
        verbose_name_plural = _("outcome feedback")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cause", "client"], condition=~models.Q(client=""), name="one_feedback_per_client_and_cause"
            )
        ]

    def __str__(self):
        return f"{self.cause}: {'solved' if self.solved else 'not solved'}"


class WalkEvent(models.Model):
    """One step of an owner's walk that the editors' "at a glance" page counts: a walk started,
    or an outcome reached (with the questions answered "not sure" or "not now" on the way).

    One INSERT per counted page, whatever the number of answers. Pages shown, not people: a
    reload counts again. Nothing about who.
    """

    class Kind(models.TextChoices):
        STARTED = "started", _("walk started")
        ENDED = "ended", _("outcome reached")

    version = models.ForeignKey(DiagnosisVersion, on_delete=models.CASCADE, related_name="walk_events")
    day = models.DateField(default=timezone.localdate, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    cause = models.SlugField(max_length=80, blank=True, help_text=_("The outcome reached."))
    unsure = models.CharField(max_length=500, blank=True, help_text=_("Slugs of the questions answered “not sure”."))

    class Meta:
        verbose_name = _("walk event")
        verbose_name_plural = _("walk events")
        indexes = [models.Index(fields=["version", "kind"], name="walkevent_version_kind")]

    def __str__(self):
        return f"{self.version} {self.day} {self.kind} {self.cause}"


# History for the admin (django-reversion): each save or delete there keeps a revision, so an
# editor can see old values, revert, and undelete. A revision follows what belongs to the item:
# undeleting a cause brings back its marks and guide links. (Owners' feedback is not content.)
reversion.register(DiagnosisVersion, follow=("causes", "questions"))
reversion.register(Cause, follow=("guide_links", "marks"))
reversion.register(CauseGuide)
reversion.register(Question, follow=("answers",))
reversion.register(Answer, follow=("marks",))
reversion.register(Mark)
reversion.register(Situation)
reversion.register(LegacyAnswer)


class TypedWords(models.Model):
    """What an owner typed in their own words on the first screen, for the next screen only.

    Kept out of every address (the next screen's address holds only `token`), stripped of
    e-mail addresses, phone and registration numbers before it is stored, and deleted after a
    day (troubleshooter.owner_words).
    """

    token = models.CharField(max_length=32, unique=True)
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    # The answers the words set, as a diagnosis query (marked "from what you typed").
    matched = models.CharField(max_length=500, blank=True)
    # The owner's words the site did not know, in their own spelling.
    unknown = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.text


class UnknownWords(models.Model):
    """Words owners used that the diagnosis did not know, grouped by their meaningful words, for
    editors: never public, kept for OWNER_WORDS_KEPT_DAYS after they were last seen."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+", verbose_name=_("problem"))
    key = models.CharField(_("words, as matched"), max_length=300, help_text=_("The words without their endings, sorted."))
    words = models.CharField(_("the words we did not know"), max_length=300)
    example = models.CharField(_("what an owner typed, most recently"), max_length=500)
    times = models.PositiveIntegerField(_("times typed"), default=1)
    first_seen = models.DateTimeField(_("first typed"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last typed"), auto_now=True)

    class Meta:
        verbose_name = _("words owners typed that we don't know")
        verbose_name_plural = _("words owners typed that we don't know")
        ordering = ["-times", "-last_seen"]
        constraints = [models.UniqueConstraint(fields=["problem", "key"], name="unknownwords_one_row_per_wording")]

    def __str__(self):
        return self.example
