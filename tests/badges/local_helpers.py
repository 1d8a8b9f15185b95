"""Local (``openedx``) badge templates and badges for the tests, awarded and revoked through the issuer registry
as the pipeline does after its transaction commits."""

import io

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credentials.apps.badges import issuers
from credentials.apps.badges.models import LocalBadge, LocalBadgeTemplate
from credentials.apps.credentials.models import UserCredential


def png_upload(name="icon.png", color=(30, 90, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def local_template(site, **fields):
    values = {
        "name": "Data Wrangler",
        "description": "Cleans and reshapes data sets.",
        "criteria_narrative": "Pass the Data Wrangling course.",
        "is_active": True,
        "icon": png_upload(),
    }
    values.update(fields)
    return LocalBadgeTemplate.objects.create(site=site, **values)


def award(template, username):
    """Award (or award again) the learner's badge: status ``awarded``, then the issuer, as after a commit."""
    content_type = ContentType.objects.get_for_model(LocalBadgeTemplate)
    badge = LocalBadge.objects.filter(
        username=username, credential_content_type=content_type, credential_id=template.pk
    ).first()
    if badge is None:
        badge = LocalBadge.objects.create(
            username=username, credential_content_type=content_type, credential_id=template.pk
        )
    else:
        UserCredential.objects.filter(pk=badge.pk).update(status=UserCredential.AWARDED)
    badge = LocalBadge.objects.get(pk=badge.pk)
    issuers.run(issuers.AWARD, badge)
    return LocalBadge.objects.get(pk=badge.pk)


def revoke(badge):
    UserCredential.objects.filter(pk=badge.pk).update(status=UserCredential.REVOKED)
    issuers.run(issuers.REVOKE, LocalBadge.objects.get(pk=badge.pk))
    return LocalBadge.objects.get(pk=badge.pk)
