"""Bookkeeping shared by all apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoadMarker(models.Model):
    """Records that a one-off data load (e.g. the demo catalogue) has been done, so that
    `katalog init` can be run again without loading it twice."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("load marker")
        verbose_name_plural = _("load markers")

    def __str__(self) -> str:
        return self.name
