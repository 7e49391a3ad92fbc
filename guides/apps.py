from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = _("Guides, FAQs and costs")

    def ready(self):
        from core.links import site_pages
        from guides import pages

        site_pages.connect(pages.site_pages, dispatch_uid="guides-pages")
