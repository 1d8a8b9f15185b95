"""The credentials app's caches (core/generations.py): the key of each cached thing, and the one place where
changes to certificate configurations and signatories retire what was cached from them."""

import hashlib

from django.db.models.signals import m2m_changed, post_delete, post_save

from credentials.apps.core import api as core_api
from credentials.apps.credentials.models import CourseCertificate, ProgramCertificate, Signatory

# What a certificate page is built from, besides the credential itself (freshness.py reads that part).
CERTIFICATE_PAGE_SCOPES = (core_api.SITES, core_api.CATALOG, core_api.CONFIGURATIONS)


def certificate_page_key(uuid, variant):
    """An anonymous viewer's page of the certificate ``uuid``; ``variant`` names site, host and language."""
    return f"certificate-page:{uuid.hex}:{hashlib.md5(variant.encode('utf-8'), usedforsecurity=False).hexdigest()}"


def certificate_skeleton_key(variant):
    """A certificate page without its learner's values (page_render.py); ``variant`` names all it depends on."""
    return f"certificate-skeleton:{hashlib.sha256(variant.encode('utf-8')).hexdigest()}"


# What a certificate shows of its configuration (certificates.py), the same for every learner holding one.
CERTIFICATE_CONFIGURATION_SCOPES = (core_api.CATALOG, core_api.CONFIGURATIONS)


def certificate_configuration_key(is_program, configuration_id):
    """A configuration's part of every certificate of it."""
    return f"certificate-configuration:{'program' if is_program else 'course'}:{configuration_id}"


def configurations_changed(**kwargs):
    core_api.new_generation(core_api.CONFIGURATIONS)


def connect():
    """Called once, from CredentialsConfig.ready()."""
    for model in (ProgramCertificate, CourseCertificate, Signatory):
        post_save.connect(configurations_changed, sender=model, dispatch_uid=f"configurations.save.{model.__name__}")
        post_delete.connect(
            configurations_changed, sender=model, dispatch_uid=f"configurations.delete.{model.__name__}"
        )
    for model in (ProgramCertificate, CourseCertificate):
        m2m_changed.connect(
            configurations_changed,
            sender=model.signatories.through,
            dispatch_uid=f"configurations.signatories.{model.__name__}",
        )
