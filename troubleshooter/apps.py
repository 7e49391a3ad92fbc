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

        # Any change to the content: the page cache serves the new pages at once. Bulk writes send
        # no signals: the services that make them call content_changed() themselves (the loader,
        # the ordering); nothing else renews the version, whatever a request carries.
        from django.apps import apps
        from django.db.models.signals import m2m_changed

        from config.pagecache import content_changed
        from troubleshooter.roles import CONTENT_APPS

        not_pages = {"troubleshooter.walkevent", "troubleshooter.ratecount", "troubleshooter.feedback", "guides.goodwillrequest"}
        for app_label in CONTENT_APPS:
            for model in apps.get_app_config(app_label).get_models():
                if model._meta.label_lower in not_pages:
                    continue
                uid = f"pagecache-{model._meta.label_lower}"
                post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
                post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
                for field in model._meta.local_many_to_many:
                    m2m_changed.connect(content_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
