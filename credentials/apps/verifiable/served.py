"""The signed credential.json of a certificate: gathered, composed, signed, cached until it changes."""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache

from credentials.apps.catalog.models import Organization, ProgramCourseRun
from credentials.apps.core import api as core_api
from credentials.apps.credentials import api as credentials_api
from credentials.apps.credentials.models import UserCredential
from credentials.apps.verifiable import composition, conf, issuers, signing, status
from credentials.apps.verifiable.composition import Facts
from credentials.apps.verifiable.models import StatusList

_CACHE_KEY = "verifiable:credential:{uuid}:{version}"


def status_list_url(base_url, status_list):
    return f"{base_url}/verifiable_credentials/api/v1/status-lists/{status_list.uuid.hex}/"


def issuer_profile_for(issuer, did):
    configuration = core_api.get_site_configuration(issuer.site)
    platform = configuration.platform_name if configuration else ""
    url = conf.get("ISSUER_URL") or (
        (configuration.homepage_url or configuration.lms_url_root) if configuration else None
    )
    image = conf.get("ISSUER_IMAGE") or getattr(settings, "LOGO_URL_PNG", None)
    return composition.issuer_profile(did, name=issuer.name or platform or issuer.site.name, url=url, image_url=image)


def _organizations(site, certificate):
    keys = [organization.key for organization in certificate.organizations]
    uuids = dict(Organization.objects.filter(site=site, key__in=keys).values_list("key", "uuid")) if keys else {}
    return tuple(
        composition.Organization(
            uuid=uuids.get(organization.key),
            key=organization.key,
            name=organization.name,
            logo_url=organization.logo_url,
        )
        for organization in certificate.organizations
    )


def gather_facts(site, certificate):
    """Facts of a certificate (credentials.api.Certificate) for composition."""
    configuration = core_api.get_site_configuration(site)
    learner = credentials_api.get_learner_name(site=site, username=certificate.username)
    user = core_api.get_user_by_username(certificate.username)
    course_count = 0
    if certificate.is_program and certificate.program_uuid:
        course_count = ProgramCourseRun.objects.filter(
            program__site=site, program__uuid=certificate.program_uuid
        ).count()
    return Facts(
        credential_uuid=certificate.uuid,
        is_program=certificate.is_program,
        title=certificate.title,
        credential_title=certificate.credential_title,
        visible_date=certificate.issue_date,
        organizations=_organizations(site, certificate),
        platform_name=(configuration.platform_name if configuration else "") or "",
        program_uuid=certificate.program_uuid,
        program_course_count=course_count,
        hours_of_effort=certificate.hours_of_effort,
        course_run_key=certificate.course_run_key,
        certificate_type=certificate.type_slug,
        learner_name=learner.name,
        learner_email=(user.email if user else "") or "",
    )


def sign_certificate(site, certificate, *, base_url, subject_id=None, credential_id=None, result=None):
    """The signed OpenBadgeCredential (a dict) of an awarded, visible certificate, with its status entry."""
    credential = UserCredential.objects.get(uuid=certificate.uuid)

    def compose(issuer_profile, credential_status):
        return composition.open_badge_credential(
            gather_facts(site, certificate),
            base_url=base_url,
            issuer=issuer_profile,
            subject_id=subject_id,
            credential_status=credential_status,
            credential_id=credential_id,
            result=result,
        )

    signed, _ = sign_credential(site, credential, compose, base_url=base_url)
    return signed


def sign_credential(site, credential, compose, *, base_url, now=None):
    """(signed document, status index) of any UserCredential the site issues (certificates, badges).

    ``compose(issuer_profile, credential_status)`` returns the unsigned document: it gets the site issuer's
    Profile and the credential's BitstringStatusListEntry (allocated on first use, kept until revoked), so
    every kind of credential is signed, listed and revoked the same way.
    """
    issuer = issuers.get_issuer(site)
    key, did, verification_method, private_key = signing.issuer_key_identity(issuer)
    entry = status.entry_for(issuer, key, credential)  # not in a transaction of ours: see allocate_entry
    document = compose(
        issuer_profile_for(issuer, did),
        composition.status_entry(status_list_url(base_url, entry.status_list), entry.index),
    )
    signed = signing.sign_as(
        issuer, document, verification_method=verification_method, private_key=private_key, now=now
    )
    return signed, entry.index


def revoke_status_entries(credential_ids):
    """Set the status bits of revoked credentials now (a revocation saved without UserCredential's post_save,
    e.g. through a multi-table child such as a badge)."""
    return status.mark_revoked(list(credential_ids))


# What a signed credential is built from, besides the credential's own rows (``certificate_freshness``): the
# site, the catalog, the certificate configurations (core/generations.py) and the site's issuer and keys.
_SCOPES = (core_api.SITES, core_api.CATALOG, core_api.CONFIGURATIONS, issuers.ISSUERS)


def _cache_key(site, uuid, freshness, base_url):
    version = hashlib.sha256(repr((site.pk, freshness, base_url)).encode("utf-8")).hexdigest()[:32]
    return _CACHE_KEY.format(uuid=uuid.hex, version=version)


def credential_json(*, site, uuid, base_url):
    """The signed credential.json text of credential ``uuid``, or None exactly when its certificate page is a
    404 (or the site does not serve verifiable credentials). Cached until the credential changes (re-award,
    revocation, date override: ``certificate_freshness``) or anything it shows does (``_SCOPES``)."""
    if not issuers.is_enabled(site):
        return None
    freshness = credentials_api.certificate_freshness(uuid)
    if freshness is None:
        return None
    key = _cache_key(site, uuid, freshness, base_url)
    generations, found = core_api.read_with_generations(_SCOPES, [key])
    cached = found.get(key)
    if cached is not None and cached[0] == generations:
        return cached[1]
    certificate = credentials_api.get_certificate(site=site, uuid=uuid)
    if certificate is None:
        return None
    if not issuers.get_issuer(site).keys.exists():
        # The first signing on a site creates its key, a new issuer generation: read it before signing.
        issuers.signing_key(issuers.get_issuer(site))
        generations, _ = core_api.read_with_generations(_SCOPES)
    signed = sign_certificate(site, certificate, base_url=base_url)
    text = json.dumps(signed, ensure_ascii=False, indent=2)
    # Stored with the generations read before signing: a change made meanwhile makes this copy stale.
    cache.set(key, (generations, text), conf.get("CREDENTIAL_CACHE_TIMEOUT"))
    return text


def rebuild_status_lists(*, base_url, list_uuid=None):
    """(StatusList, number revoked) for each list rebuilt and re-signed (manage.py rebuild_status_list)."""
    lists = StatusList.objects.select_related("issuer", "key").order_by("pk")
    if list_uuid:
        lists = lists.filter(uuid=list_uuid)
    return [(status_list, status.rebuild(status_list, status_list_url(base_url, status_list))) for status_list in lists]
