"""The one place where catalog changes retire cached values built from the catalog (core/generations.py):
certificate pages and program records show programs, courses, runs, organizations and pathways.

Saves, deletes and many-to-many changes of any catalog row arrive as model signals; the bulk writes of
copy_catalog send none, so the sync starts a new generation itself once a site's changes are committed.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from credentials.apps.catalog.models import (
    Course,
    CourseOwner,
    CourseRun,
    Organization,
    Pathway,
    PathwayProgram,
    Program,
    ProgramAuthoringOrganization,
    ProgramCourseRun,
)
from credentials.apps.core import api as core_api

ROWS = (Organization, Course, CourseRun, Program, Pathway)
LINKS = (CourseOwner, ProgramCourseRun, ProgramAuthoringOrganization, PathwayProgram)


def catalog_changed(**kwargs):
    core_api.new_generation(core_api.CATALOG)


def connect():
    """Called once, from CatalogConfig.ready()."""
    for model in (*ROWS, *LINKS):
        post_save.connect(catalog_changed, sender=model, dispatch_uid=f"catalog_changed.save.{model.__name__}")
        post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"catalog_changed.delete.{model.__name__}")
    for link in LINKS:  # Model.<relation>.add()/.set()/.clear() on the ordered relations
        m2m_changed.connect(catalog_changed, sender=link, dispatch_uid=f"catalog_changed.m2m.{link.__name__}")
