"""The editors' one-screen view of a diagnosis version: every cause's "how common" and every
answer x cause mark, as one form in the editors' scale words.

Reads and the form live here; the write is `services.save_grid`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from troubleshooter.models import Answer, Cause, DiagnosisVersion, Mark, Question

NO_MARK = ""


@dataclass
class GridRow:
    answer: Answer
    cells: list  # bound fields, one per cause, in the causes' order


@dataclass
class GridQuestion:
    question: Question
    rows: list[GridRow]


def rate_field(cause: Cause) -> str:
    return f"rate-{cause.pk}"


def mark_field(answer: Answer, cause: Cause) -> str:
    return f"mark-{answer.pk}-{cause.pk}"


class GridForm(forms.Form):
    """One number per cause and one choice per answer x cause; "—" means no mark."""

    def __init__(self, version: DiagnosisVersion, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.causes = list(Cause.objects.filter(version=version).order_by("order", "pk"))
        self.questions = list(Question.objects.filter(version=version).order_by("order", "pk").prefetch_related("answers"))
        current = {
            (answer_id, cause_id): effect
            for answer_id, cause_id, effect in Mark.objects.filter(answer__question__version=version).values_list(
                "answer_id", "cause_id", "effect"
            )
        }
        choices = [(NO_MARK, "—")] + [(str(value), label) for value, label in Mark.Effect.choices]
        for cause in self.causes:
            self.fields[rate_field(cause)] = forms.IntegerField(
                label=_("How common is “%(c)s”") % {"c": cause.name},
                min_value=1,
                max_value=1000,
                initial=cause.base_rate,
                error_messages={
                    "min_value": _("At least 1: every cause stays possible. To take a cause out, delete it in the draft."),
                    "max_value": _("At most 1000 (out of about 100 owners: only the ratios matter)."),
                },
            )
        for question in self.questions:
            for answer in question.answers.all():
                for cause in self.causes:
                    label = _("“%(a)s” and “%(c)s”") % {"a": answer.label, "c": cause.name}
                    self.fields[mark_field(answer, cause)] = forms.ChoiceField(
                        label=label,
                        choices=choices,
                        widget=forms.Select(attrs={"aria-label": label}),
                        required=False,
                        initial=str(current.get((answer.pk, cause.pk), NO_MARK)),
                    )

    def header(self):
        return [(cause, self[rate_field(cause)]) for cause in self.causes]

    def table(self) -> list[GridQuestion]:
        return [
            GridQuestion(
                question,
                [
                    GridRow(answer, [self[mark_field(answer, cause)] for cause in self.causes])
                    for answer in question.answers.all()
                ],
            )
            for question in self.questions
        ]

    def wanted(self) -> tuple[dict[int, int], dict[tuple[int, int], int | None]]:
        """(cause pk → how common, (answer pk, cause pk) → effect or None) from the cleaned form."""
        rates = {cause.pk: self.cleaned_data[rate_field(cause)] for cause in self.causes}
        marks = {}
        for question in self.questions:
            for answer in question.answers.all():
                for cause in self.causes:
                    value = self.cleaned_data[mark_field(answer, cause)]
                    marks[(answer.pk, cause.pk)] = int(value) if value != NO_MARK else None
        return rates, marks
