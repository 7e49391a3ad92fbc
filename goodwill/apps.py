from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoodwillConfig(AppConfig):
    name = "goodwill"
    verbose_name = _("Goodwill")
