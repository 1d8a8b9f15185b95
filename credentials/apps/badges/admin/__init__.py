"""The badges admin, registered only when BADGES_ENABLED (spec/badges.md §9).

Split by owner so the parts can grow independently: ``providers`` (Credly organizations and templates,
Accredible configurations and groups, provider badges) and ``templates`` (local templates, requirements, data
rules, penalties, progress, local badges). Both modules register their ModelAdmins at import.
"""

from credentials.apps.badges import conf

if conf.is_enabled():
    from credentials.apps.badges.admin import providers, templates  # noqa: F401  (registers the admin classes)
