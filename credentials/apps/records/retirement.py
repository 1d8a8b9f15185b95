"""Username replacement for the retirement pipeline (spec/models.md §8)."""

import logging

from django.db import transaction

from credentials.apps.core import api as core_api
from credentials.apps.core.models import User
from credentials.apps.credentials.models import UserCredential
from credentials.apps.records.models import UserGrade

log = logging.getLogger(__name__)


def replace_usernames(mappings):
    """Rename learners everywhere, one pair per transaction, in order. Returns (successful, failed).

    A pair that matches nothing still succeeds; only a database error fails it (and rolls it back).
    Renaming clears the names kept on the user row, as upstream does.
    """
    successful, failed = [], []
    for mapping in mappings:
        ((current, new),) = mapping.items()
        try:
            with transaction.atomic():
                User.objects.filter(username=current).update(username=new, full_name="", first_name="", last_name="")
                UserCredential.objects.filter(username=current).update(username=new)
                UserGrade.objects.filter(username=current).update(username=new)
                core_api.forget_users(current, new)
            successful.append({current: new})
        except Exception:  # any database error fails this pair only
            log.exception("Username replacement %s -> %s failed", current, new)
            failed.append({current: new})
    return successful, failed
