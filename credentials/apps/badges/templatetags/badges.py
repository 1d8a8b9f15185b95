"""{% records_badges viewed_learner %}: the /records/ page's section with the learner's badges and a link to their
progress. A template tag, so the records app shows badges without importing this app (DESIGN.md §4)."""

from django import template
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode

from credentials.apps.badges import api, conf
from credentials.apps.verifiable import api as verifiable_api

register = template.Library()


@register.inclusion_tag("badges/_records_badges.html", takes_context=True)
def records_badges(context, viewed_learner=None):
    request = context.get("request")
    if request is None or not conf.is_enabled() or not request.user.is_authenticated:
        return {"show": False}
    username = viewed_learner.username if viewed_learner else request.user.username
    badges = api.earned_badges(site=request.site, username=username, base_url=verifiable_api.base_url(request))
    for badge in badges:
        badge["issued"] = parse_datetime(badge["issued_at"]) if badge["issued_at"] else None
    progress_url = reverse("badges:progress")
    if viewed_learner:
        progress_url += "?" + urlencode({"username": username})
    return {"show": True, "badges": badges, "progress_url": progress_url, "viewed_learner": viewed_learner}
