"""The badges app's public interface (DESIGN.md §4): other apps, adapters (admin, views, commands) and the other
badge modules' owners use these names, not the modules behind them.

What the app offers:

* Settings: ``is_enabled()``, ``event_types()``, ``credly_settings()``, ``accredible_settings()``,
  ``ignored_keypaths()`` (BADGES_ENABLED / BADGES_CONFIG read at call time, defaults filled in).
* Processing: ``process_event(event_type, payload)`` applies one event's data object (what the bus handler
  does) and returns an ``Outcome`` (requirements fulfilled and reset, badges awarded and revoked);
  ``load_rulebook(event_type)``; ``BadgesProcessingError``.
* Rules: ``evaluate(operator, actual, value)``, ``keypath(data, path)``, ``requirement_matches``,
  ``penalty_applies``, ``validate_value(operator, value)`` (the admin's per-operator check), ``Operator``.
* Progress: ``ratio_of(requirements, fulfilled_ids)``, ``groups_of(requirements)``, ``group_key(requirement)``.
* Awarding: ``award(template, user)`` / ``revoke(template, user)`` (status transitions + BADGE_AWARDED /
  BADGE_REVOKED through the outbox + issuer after commit), ``find_badge(template, username)``,
  ``badge_data(badge, template, user)``, ``image_url(template)``.
* Issuers: ``register_issuer(origin, issuer)``, ``get_issuer(origin)``, ``run_issuer(action, badge)`` with
  ``AWARD`` / ``REVOKE`` (the interface is documented in ``issuers.py``).
* Models by origin: ``BADGE_MODELS``, ``TEMPLATE_MODELS``.
* This service's own badges (``openedx``, local_issuer.py, local_credential.py): ``LocalIssuer``,
  ``get_local_template``, ``get_local_badge``, ``credential_text``, ``recipient_name``,
  ``achievement_document``, ``badge_url``, ``icon_url``.
* Learners' progress (learner_progress.py): ``learner_progress(site, query, base_url)`` with ``ProgressQuery``
  (the progress API, page and /records/ section), ``earned_badges``.
"""

from credentials.apps.badges.awarding import award, badge_data, find_badge, image_url, revoke  # noqa: F401
from credentials.apps.badges.conf import (  # noqa: F401
    accredible_settings,
    credly_settings,
    event_types,
    ignored_keypaths,
    is_enabled,
)
from credentials.apps.badges.issuers import AWARD, REVOKE  # noqa: F401
from credentials.apps.badges.issuers import get as get_issuer  # noqa: F401
from credentials.apps.badges.issuers import register as register_issuer  # noqa: F401
from credentials.apps.badges.issuers import run as run_issuer  # noqa: F401
from credentials.apps.badges.learner_progress import ProgressQuery, earned_badges, learner_progress  # noqa: F401
from credentials.apps.badges.local_credential import achievement_document, badge_url, icon_url  # noqa: F401
from credentials.apps.badges.local_issuer import (  # noqa: F401
    LocalIssuer,
    LocalIssuingError,
    credential_text,
    recipient_name,
)
from credentials.apps.badges.local_issuer import get_badge as get_local_badge  # noqa: F401
from credentials.apps.badges.local_issuer import get_template as get_local_template  # noqa: F401
from credentials.apps.badges.models import BADGE_MODELS, TEMPLATE_MODELS, Operator  # noqa: F401
from credentials.apps.badges.payloads import BadgesProcessingError  # noqa: F401
from credentials.apps.badges.processing import Outcome, load_rulebook, process_event  # noqa: F401
from credentials.apps.badges.progress import group_key, groups_of, ratio_of  # noqa: F401
from credentials.apps.badges.rules import (  # noqa: F401
    evaluate,
    keypath,
    penalty_applies,
    requirement_matches,
    validate_value,
)
