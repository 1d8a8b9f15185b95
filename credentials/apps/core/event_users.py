"""Learners named by platform events (spec/models.md §1.1, "Users created from event-bus events")."""

import logging

from django.db import IntegrityError, transaction

from credentials.apps.core.models import User

log = logging.getLogger(__name__)


def get_or_create_user_from_event_data(user_data):
    """(user, created) for an openedx-events ``UserData``, looked up by username.

    A new user takes the event's LMS id, active flag, name and e-mail; an existing one is left as it is
    (JWT and SSO keep it current). Concurrent events for one new learner converge on one row.
    """
    username = user_data.pii.username
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    try:
        with transaction.atomic():
            user = User.objects.create(
                username=username,
                lms_user_id=user_data.id,
                is_active=user_data.is_active,
                full_name=user_data.pii.name or None,
                email=user_data.pii.email or "",
                linked_to_lms=True,  # the LMS's own learner: its SSO and JWTs may sign in as it (core/identity.py)
            )
    except IntegrityError:
        return User.objects.get(username=username), False
    log.info("Created new Credentials user with id %s. Updating attributes from event data...", user.id)
    return user, True
