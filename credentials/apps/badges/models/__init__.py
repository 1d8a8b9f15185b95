"""The badges app's models (spec/badges.md §3 and §12; tables ``badges_<model>`` as upstream's)."""

from credentials.apps.badges.models.badges import AccredibleBadge, CredlyBadge, LocalBadge
from credentials.apps.badges.models.progress import BadgeProgress, Fulfillment
from credentials.apps.badges.models.requirements import (
    AbstractDataRule,
    BadgePenalty,
    BadgeRequirement,
    DataRule,
    Operator,
    PenaltyDataRule,
)
from credentials.apps.badges.models.templates import (
    AccredibleAPIConfig,
    AccredibleGroup,
    BadgeTemplate,
    CredlyBadgeTemplate,
    CredlyOrganization,
    LocalBadgeTemplate,
)

# The badge model and template model of each origin (the template's ``origin`` picks the issuer).
BADGE_MODELS = {"credly": CredlyBadge, "accredible": AccredibleBadge, "openedx": LocalBadge}
TEMPLATE_MODELS = {"credly": CredlyBadgeTemplate, "accredible": AccredibleGroup, "openedx": LocalBadgeTemplate}

__all__ = [
    "BADGE_MODELS",
    "TEMPLATE_MODELS",
    "AbstractDataRule",
    "AccredibleAPIConfig",
    "AccredibleBadge",
    "AccredibleGroup",
    "BadgePenalty",
    "BadgeProgress",
    "BadgeRequirement",
    "BadgeTemplate",
    "CredlyBadge",
    "CredlyBadgeTemplate",
    "CredlyOrganization",
    "DataRule",
    "Fulfillment",
    "LocalBadge",
    "LocalBadgeTemplate",
    "Operator",
    "PenaltyDataRule",
]
