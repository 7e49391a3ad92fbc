from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class TroubleshooterConfig(AppConfig):
    name = "troubleshooter"
    verbose_name = _("Troubleshooter")

    def ready(self):
        from troubleshooter.roles import sync_roles

        # After every migrate (permissions exist by then): the staff groups match the models.
        post_migrate.connect(sync_roles, dispatch_uid="troubleshooter-sync-roles")

        # Keep the search index in step with what editors change, whichever way they change it.
        from guides.models import FAQ, GuideStep, RepairGuide
        from troubleshooter.models import Answer, DiagnosisVersion, Problem
        from troubleshooter.search import schedule_rebuild

        for model in (Problem, DiagnosisVersion, Answer, RepairGuide, GuideStep, FAQ):
            post_save.connect(schedule_rebuild, sender=model, dispatch_uid=f"search-index-save-{model._meta.label}")
            post_delete.connect(schedule_rebuild, sender=model, dispatch_uid=f"search-index-delete-{model._meta.label}")
