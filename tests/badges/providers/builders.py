"""Rows for the provider tests, each matched by the fake provider's own data (same ids and keys)."""

from django.contrib.contenttypes.models import ContentType

from credentials.apps.badges.models import (
    AccredibleAPIConfig,
    AccredibleBadge,
    AccredibleGroup,
    CredlyBadge,
    CredlyBadgeTemplate,
    CredlyOrganization,
)
from credentials.apps.credentials.models import UserCredential


def credly_organization(fake, *, name="Acme Badges", api_key="credly-key", stored_key=None):
    """An organization known to the fake Credly and stored here (with ``stored_key``, default the same)."""
    org_id = fake.add_organization(name=name, api_key=api_key)
    return CredlyOrganization.objects.create(
        uuid=org_id, api_key=api_key if stored_key is None else stored_key, name=name
    )


def credly_template(fake, organization, site, *, name="Python Basics", is_active=True):
    template = fake.add_template(str(organization.uuid), name=name)
    return CredlyBadgeTemplate.objects.create(
        uuid=template["id"],
        organization=organization,
        site=site,
        name=name,
        state="active",
        icon=template["image_url"],
        is_active=is_active,
    )


def accredible_config(fake, *, api_key="accredible-key", name="Main issuer"):
    fake.add_issuer(api_key)
    return AccredibleAPIConfig.objects.create(api_key=api_key, name=name)


def accredible_group(fake, config, site, *, group_id=501, name="Data Science", is_active=True):
    fake.add_group(config.api_key, group_id, name=name)
    return AccredibleGroup.objects.create(
        id=group_id, api_config=config, site=site, name=name, state="active", is_active=is_active
    )


def badge(template, username, *, status=UserCredential.AWARDED, **fields):
    """The badge row the pipeline writes for ``username`` and ``template`` (CredlyBadge or AccredibleBadge)."""
    model = CredlyBadge if isinstance(template, CredlyBadgeTemplate) else AccredibleBadge
    return model.objects.create(
        username=username,
        credential_content_type=ContentType.objects.get_for_model(type(template)),
        credential_id=template.pk,
        status=status,
        **fields,
    )
