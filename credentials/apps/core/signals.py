from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.sites.models import Site
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save
from django.dispatch import receiver

from credentials.apps.core import api, jwt_users
from credentials.apps.core.constants import ADMINS_GROUP, ADMINS_PERMISSIONS
from credentials.apps.core.models import SiteConfiguration, User


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


# --- The cached users of JWTs (core/jwt_users.py) ---------------------------------------------------------


@receiver(pre_save, sender=User, dispatch_uid="pre_save_user_forget_renamed_jwt_user")
def forget_renamed_user(sender, instance, update_fields=None, **kwargs):
    """A rename through save() leaves the old name's entry behind: drop it too (one read, only on user saves
    that may change the username)."""
    if instance.pk is None or (update_fields is not None and "username" not in update_fields):
        return
    previous = User.objects.filter(pk=instance.pk).values_list("username", flat=True).first()
    if previous and previous != instance.username:
        jwt_users.forget(previous)


@receiver(post_save, sender=User, dispatch_uid="post_save_user_forget_jwt_user")
@receiver(post_delete, sender=User, dispatch_uid="post_delete_user_forget_jwt_user")
def forget_user(sender, instance, **kwargs):
    jwt_users.forget(instance.username)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="user_groups_forget_jwt_user")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="user_permissions_forget_jwt_user")
def forget_users_of_changed_links(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, User):
        jwt_users.forget(instance.username)
    else:  # a group's or permission's users changed (or all of them, on clear)
        jwt_users.permissions_changed()


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="group_permissions_new_generation")
@receiver(post_save, sender=Group, dispatch_uid="post_save_group_new_generation")
@receiver(post_delete, sender=Group, dispatch_uid="post_delete_group_new_generation")
@receiver(post_save, sender=Permission, dispatch_uid="post_save_permission_new_generation")
@receiver(post_delete, sender=Permission, dispatch_uid="post_delete_permission_new_generation")
def group_permissions_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):
        jwt_users.permissions_changed()
