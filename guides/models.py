"""What the owner reads and does: guides, FAQs, tips and costs."""

import reversion
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Publishable
from core.pictures import Illustrated
from problems.models import Problem


class RepairGuide(Publishable):
    class Purpose(models.TextChoices):
        EMERGENCY = "emergency", _("Get it open now (emergency)")
        STOPGAP = "stopgap", _("Stop-gap until the repair")
        DIAGNOSIS = "diagnosis", _("Find the cause")
        REPAIR = "repair", _("Repair")

    class Difficulty(models.IntegerChoices):
        VERY_EASY = 1, _("Very easy")
        EASY = 2, _("Easy")
        MODERATE = 3, _("Moderate")
        HARD = 4, _("Hard")
        EXPERT = 5, _("Expert")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="guides", verbose_name=_("problem"))
    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    summary = models.TextField(_("summary"), help_text=_("Markdown."))
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), choices=Difficulty.choices)
    time_min_minutes = models.PositiveSmallIntegerField(_("time needed, at least (minutes)"))
    time_max_minutes = models.PositiveSmallIntegerField(_("time needed, at most (minutes)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("repair guide")
        verbose_name_plural = _("repair guides")
        ordering = ["problem", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_min_minutes__lte=F("time_max_minutes")),
                name="guide_time_range_in_order",
                violation_error_message=_("The shortest time must not be longer than the longest."),
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=5),
                name="guide_difficulty_scale",
                violation_error_message=_("Difficulty goes from 1 (easy) to 5 (hard)."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guides:guide_detail", kwargs={"slug": self.slug})

    def parts_price_range(self) -> tuple[int, int] | None:
        """What the parts you always need cost together, from the (prefetched) parts."""
        priced = [p for p in self.parts.all() if not p.optional and p.price_min_eur is not None]
        if not priced:
            return None
        return sum(p.price_min_eur for p in priced), sum(p.price_max_eur for p in priced)


class GuideTool(models.Model):
    guide = models.ForeignKey(RepairGuide, on_delete=models.CASCADE, related_name="tools")
    name = models.CharField(_("tool"), max_length=120)
    optional = models.BooleanField(_("only sometimes needed"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("tool")
        verbose_name_plural = _("tools")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["guide", "name"], name="guidetool_unique_name")]

    def __str__(self):
        return self.name


class GuidePart(models.Model):
    guide = models.ForeignKey(RepairGuide, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("part"), max_length=120)
    optional = models.BooleanField(_("only sometimes needed"), default=False)
    price_min_eur = models.PositiveIntegerField(_("price from (EUR)"), null=True, blank=True)
    price_max_eur = models.PositiveIntegerField(_("price up to (EUR)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "name"], name="guidepart_unique_name"),
            models.CheckConstraint(
                condition=Q(price_min_eur__isnull=True, price_max_eur__isnull=True)
                | Q(price_min_eur__isnull=False, price_max_eur__isnull=False, price_min_eur__lte=F("price_max_eur")),
                name="guidepart_price_range_in_order",
                violation_error_message=_("Give both prices, the lowest first, or neither."),
            ),
        ]

    def __str__(self):
        return self.name


class GuideStep(Illustrated):
    guide = models.ForeignKey(RepairGuide, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("step number"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("what to do"), help_text=_("Markdown."))
    warning = models.TextField(_("warning"), blank=True, help_text=_("Markdown."))
    tip = models.TextField(_("tip"), blank=True, help_text=_("Markdown."))

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["guide", "order"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "order"], name="guidestep_unique_order"),
            models.CheckConstraint(
                condition=Q(order__gte=1),
                name="guidestep_order_from_one",
                violation_error_message=_("Steps are numbered from 1."),
            ),
            models.CheckConstraint(
                condition=Q(picture="") | ~Q(picture_alt=""),
                name="guidestep_picture_needs_description",
                violation_error_message=_("A picture needs a description for owners who can't see it."),
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


class FAQ(Publishable):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="faqs", verbose_name=_("problem"))
    question = models.CharField(_("question"), max_length=250)
    answer = models.TextField(_("answer"), help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")
        ordering = ["problem", "order", "pk"]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("guides:faq_list", kwargs={"problem_slug": self.problem.slug}) + f"#{self.slug}"


class PreventionTip(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="prevention_tips")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("tip"), help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("prevention tip")
        verbose_name_plural = _("prevention tips")
        ordering = ["problem", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["problem", "title"], name="preventiontip_unique_title")]

    def __str__(self):
        return self.title


class OwnerExperience(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="owner_experiences")
    body = models.TextField(_("what owners report"), help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("owners' experience")
        verbose_name_plural = _("owners' experiences")
        ordering = ["problem", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["problem", "order"], name="ownerexperience_unique_order")]

    def __str__(self):
        return self.body[:60]


class PullQuote(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="pull_quotes")
    text = models.CharField(_("quote"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("pull quote")
        verbose_name_plural = _("pull quotes")
        ordering = ["problem", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["problem", "text"], name="pullquote_unique_text")]

    def __str__(self):
        return self.text


class CostEstimate(models.Model):
    """What the repair costs, by who does it."""

    class Route(models.TextChoices):
        DIY_PARTS = "diy", _("Do it yourself (parts only)")
        INDEPENDENT = "independent", _("Independent garage")
        DEALER = "dealer", _("Official dealer")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="cost_estimates")
    route = models.CharField(_("who does the repair"), max_length=12, choices=Route.choices)
    min_eur = models.PositiveIntegerField(_("from (EUR)"))
    max_eur = models.PositiveIntegerField(_("up to (EUR)"))
    note = models.TextField(_("note"), blank=True, help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("cost estimate")
        verbose_name_plural = _("cost estimates")
        ordering = ["problem", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "route"], name="costestimate_unique_route"),
            models.CheckConstraint(
                condition=Q(min_eur__lte=F("max_eur")),
                name="costestimate_range_in_order",
                violation_error_message=_("The lowest price must not be higher than the highest."),
            ),
        ]

    def __str__(self):
        return f"{self.get_route_display()}: €{self.min_eur}-{self.max_eur}"


# History for the admin (see troubleshooter.models): a guide's revision keeps its steps, tools
# and parts. Goodwill requests are personal data and are deliberately not copied into history.
reversion.register(RepairGuide, follow=("steps", "tools", "parts"))
reversion.register(GuideStep)
reversion.register(GuideTool)
reversion.register(GuidePart)
reversion.register(FAQ)
reversion.register(PreventionTip)
reversion.register(OwnerExperience)
reversion.register(PullQuote)
reversion.register(CostEstimate)
