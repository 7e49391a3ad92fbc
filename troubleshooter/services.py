"""Writes for the troubleshooter."""

from troubleshooter.models import Outcome, OutcomeFeedback


def record_feedback(outcome: Outcome, solved: bool) -> OutcomeFeedback:
    return OutcomeFeedback.objects.create(outcome=outcome, solved=solved)
