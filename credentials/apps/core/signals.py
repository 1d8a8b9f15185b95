from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.sites.models import Site
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete, pre_save
from django.dispatch import receiver

from credentials.apps.core import api
from credentials.apps.core.constants import ADMINS_GROUP, ADMINS_PERMISSIONS
from credentials.apps.core.models import SiteConfiguration


@receiver(pre_save, sender=SiteConfiguration, dispatch_uid="pre_save_siteconfiguration_clear_cache")
@receiver(pre_delete, sender=SiteConfiguration, dispatch_uid="pre_delete_siteconfiguration_clear_cache")
@receiver(pre_save, sender=Site, dispatch_uid="pre_save_site_clear_cache")
@receiver(pre_delete, sender=Site, dispatch_uid="pre_delete_site_clear_cache")
def clear_site_cache(**kwargs):
    api.clear_site_cache()


@receiver(post_save, sender=SiteConfiguration, dispatch_uid="post_save_siteconfiguration_new_generation")
@receiver(post_delete, sender=SiteConfiguration, dispatch_uid="post_delete_siteconfiguration_new_generation")
@receiver(post_save, sender=Site, dispatch_uid="post_save_site_new_generation")
@receiver(post_delete, sender=Site, dispatch_uid="post_delete_site_new_generation")
def sites_changed(**kwargs):
    """Every cached value built from a site's settings is stale (core/generations.py)."""
    api.new_generation(api.SITES)


@receiver(post_migrate, dispatch_uid="grant_admins_permissions")
def grant_admins_permissions(using="default", **kwargs):
    """Keep the Admins group's permissions as DESIGN.md §5.4 says, deterministically after every migrate.

    Runs after Django has created the permissions of every migrated app, so it does not depend on the
    order in which apps' migrations ran (the upstream migrations did).
    """
    if not global_apps.is_installed("django.contrib.auth"):
        return
    group, _ = Group.objects.using(using).get_or_create(name=ADMINS_GROUP)
    for app_label, codename in ADMINS_PERMISSIONS:
        permission = (
            Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
        )
        if permission is not None:
            group.permissions.add(permission)
