from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

# The apps whose models public pages show: a save or delete there renews the page cache's version
# (found by label, so this room imports none of them)...
PAGE_APPS = ("problems", "guides", "troubleshooter", "goodwill")
# ...but for these, which no public page shows: what owners sent, and their personal data.
NOT_PAGES = {
    "troubleshooter.walkevent",
    "troubleshooter.feedback",
    "troubleshooter.typedwords",
    "troubleshooter.unknownwords",
    # Owner situations (the diagnosis's test cases): editors' checks only; an owner's "it solved
    # it" adds one, which must not drop every page and every kept model.
    "troubleshooter.situation",
    "goodwill.goodwillrequest",
    # Dealers' users, the answers in a request's thread, and the counts of a dealer's link: the
    # acceptance figures they feed expire on their own (GOODWILL_FIGURES_SECONDS).
    "goodwill.dealermember",
    "goodwill.requeststep",
    "goodwill.dealerlinkopens",
}


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Site")

    def ready(self):
        from core.roles import sync_roles
        from pagecache.cache import content_changed

        # After every migrate (permissions exist by then): the staff groups match the models.
        post_migrate.connect(sync_roles, dispatch_uid="core-sync-roles")

        # Any change to what pages show: the page cache serves the new pages at once. Bulk writes
        # send no signals: the services that make them call content_changed() themselves (the
        # loader, the ordering); nothing else renews the version, whatever a request carries.
        for app_label in PAGE_APPS:
            for model in self.apps.get_app_config(app_label).get_models():
                if model._meta.label_lower in NOT_PAGES:
                    continue
                uid = f"pagecache-{model._meta.label_lower}"
                post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
                post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
                for field in model._meta.local_many_to_many:
                    m2m_changed.connect(content_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
