"""Local (``openedx``) badge templates, and awarding/revoking them the way the pipeline does: the status change
and its event in a transaction (badges.api.award/revoke), the issuer after the commit."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase
from PIL import Image

from credentials.apps.badges import api as badges_api
from credentials.apps.badges.models import LocalBadgeTemplate
from tests.factories import UserFactory


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


def _after_commit(change, template, username):
    user = UserFactory(username=username)
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        change(template, user)
    return badges_api.find_badge(template, username)


def award(template, username):
    """Award (or award again) the learner's badge; the issuer has run when this returns."""
    return _after_commit(badges_api.award, template, username)


def revoke(badge):
    template = LocalBadgeTemplate.objects.get(pk=badge.credential_id)
    return _after_commit(badges_api.revoke, template, badge.username)
