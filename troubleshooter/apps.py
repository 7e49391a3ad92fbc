from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TroubleshooterConfig(AppConfig):
    name = "troubleshooter"
    verbose_name = _("Troubleshooter")

    def ready(self):
        from core import publishing
        from core.links import site_pages
        from guides.models import RepairGuide
        from problems.models import Problem
        from troubleshooter import pages, services

        site_pages.connect(pages.site_pages, dispatch_uid="troubleshooter-pages")

        # What the live diagnosis needs from the rooms below it: a problem goes on the site only
        # with a sound live diagnosis, and a guide it sends owners to stays there and is not deleted.
        publishing.status_change_refused.connect(
            services.problem_publish_refusals, sender=Problem, dispatch_uid="problem-needs-live-diagnosis"
        )
        publishing.status_change_refused.connect(
            services.guide_unpublish_refusals, sender=RepairGuide, dispatch_uid="guide-used-by-live-diagnosis"
        )
        publishing.in_use.connect(services.guide_in_use, sender=RepairGuide, dispatch_uid="guide-in-use-by-live-diagnosis")
