from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from guides.models import FAQ, GuideStep, RepairGuide
        from problems.models import Problem
        from search.index import schedule_rebuild
        from troubleshooter.models import Answer, DiagnosisVersion

        # Keep the search index in step with what editors change, whichever way they change it.
        for model in (Problem, DiagnosisVersion, Answer, RepairGuide, GuideStep, FAQ):
            post_save.connect(schedule_rebuild, sender=model, dispatch_uid=f"search-index-save-{model._meta.label}")
            post_delete.connect(schedule_rebuild, sender=model, dispatch_uid=f"search-index-delete-{model._meta.label}")
