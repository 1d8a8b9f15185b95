"""One builder for every e-mail the service sends: a subject, a text and an HTML part rendered from the three
templates of one folder, in the message's language, sent in the site's name."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from credentials.apps.core.models import SiteConfiguration


def single_line(text):
    """Header values are one line: template line breaks or a hostile name cannot inject headers."""
    return " ".join(str(text).split())


def site_sender(site):
    """(platform name, from address) of the site: its configuration's, else the site's name and no-reply@."""
    try:
        configuration = site.siteconfiguration
    except SiteConfiguration.DoesNotExist:
        configuration = None
    platform_name = (configuration.platform_name if configuration else None) or site.name
    from_address = configuration.from_address if configuration else f"no-reply@{site.domain}"
    return platform_name, from_address


def build_email(*, site, template_dir, context, to, reply_to=None, language=None):
    """The message of ``template_dir``/subject.txt, body.txt and body.html, from the site's platform name.

    ``context`` gets ``platform_name``; ``language`` is a locale such as ``es_419`` (default LANGUAGE_CODE).
    ``reply_to`` defaults to the from address.
    """
    platform_name, from_address = site_sender(site)
    context = {"platform_name": platform_name, **context}
    with translation.override(translation.to_language(language) if language else settings.LANGUAGE_CODE):
        subject = single_line(render_to_string(f"{template_dir}/subject.txt", context))
        text = render_to_string(f"{template_dir}/body.txt", context)
        html = render_to_string(f"{template_dir}/body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        # formataddr quotes the name: a platform name with quotes or angle brackets stays the display name.
        from_email=formataddr((single_line(platform_name), from_address)),
        to=list(to),
        reply_to=list(reply_to) if reply_to is not None else [from_address],
    )
    message.attach_alternative(html, "text/html")
    return message
