"""The project's own app configs (kept free of model imports: loaded while apps populate)."""

from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    """Django's admin on a site that lets in superusers only (itbrehab/admin_site.py)."""

    default_site = "itbrehab.admin_site.SuperuserAdminSite"
