"""Daily: one reminder to each dealer for a shared request left unanswered DEALER_REMINDER_DAYS."""

from django.conf import settings
from django.core.management.base import BaseCommand

from goodwill.services import send_dealer_reminders


class Command(BaseCommand):
    help = "Remind dealers, once per request, of shared goodwill requests they have not answered (run daily)."

    def handle(self, *args, **options):
        sent, failed = send_dealer_reminders(settings.DEALER_REMINDER_DAYS)
        self.stdout.write(f"Reminders sent: {sent}; failed (tried again tomorrow): {failed}")
        if failed:
            raise SystemExit(1)
