"""Template filters of the certificate pages."""

import re

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# A <br>, <br/> or <br /> once escaped: the only markup a signatory's title or organization may carry.
_ESCAPED_LINE_BREAK = re.compile(r"&lt;br\s*/?&gt;", re.IGNORECASE)


@register.filter
def with_line_breaks(value):
    """Admin text shown with its line breaks (``<br>`` or newlines) and everything else escaped.

    Upstream prints a signatory's title and organization unescaped so admins can break lines; anything
    more than a line break would let an admin account inject script into every learner's certificate.
    """
    text = _ESCAPED_LINE_BREAK.sub("<br>", escape(str(value or "")))
    return mark_safe(text.replace("\r\n", "\n").replace("\n", "<br>"))


@register.filter
def issue_month(value):
    """The month name as used in a date (format ``E``), lower-cased in Spanish (spec/pages.md §3.6)."""
    if not value:
        return ""
    month = date_filter(value, "E")
    return month.lower() if (get_language() or "").startswith("es") else month
