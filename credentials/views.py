"""The home page, ``/``: what this service is and where to go from here.

It sits beside urls.py because it gathers links from several apps (the demo's come from records.demo); it
decides nothing itself. Admin's "View site" lands here.
"""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from credentials.apps.records import demo


@require_safe
def home(request):
    # The demo's links sign people in through /auto_auth/, so they are offered only where it is on.
    demo_links = demo.demo_links(request.site) if settings.ENABLE_AUTO_AUTH else None
    return render(request, "home.html", {"demo_links": demo_links})
