from django.core.management.base import BaseCommand, CommandError

from goodwill.services import send_pending_emails


class Command(BaseCommand):
    help = "Send the owner emails that could not be sent when their goodwill request was made."

    def handle(self, *args, **options):
        sent, failed = send_pending_emails()
        self.stdout.write(f"Sent {sent}, failed {failed}.")
        if failed:
            raise CommandError(f"{failed} email(s) could not be sent; try again later")
