"""The one place where catalog changes retire cached values built from the catalog (core/generations.py):
certificate pages and program records show programs, courses, runs, organizations and pathways.

Saves, deletes and many-to-many changes of any catalog row arrive as model signals; the bulk writes of
copy_catalog send none, so the sync starts a new generation itself once a site's changes are committed.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from credentials.apps.core import api as core_api


def catalog_changed(**kwargs):
    core_api.new_generation(core_api.CATALOG)


def connect():
    """Called once, from CatalogConfig.ready(): every model of the catalog app, rows and ordered links alike
    (a link's m2m_changed comes from Model.<relation>.add()/.set()/.clear())."""
    for model in apps.get_app_config("catalog").get_models():
        name = model.__name__
        post_save.connect(catalog_changed, sender=model, dispatch_uid=f"catalog_changed.save.{name}")
        post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"catalog_changed.delete.{name}")
        m2m_changed.connect(catalog_changed, sender=model, dispatch_uid=f"catalog_changed.m2m.{name}")
