"""Cleaning the HTML admins type into program completion e-mails (spec/models.md §3.8).

Upstream runs ``bleach.clean`` (unmaintained since 2023) with a short list of allowed tags. Here the allow-list
is enforced by ``nh3`` (the Ammonia sanitizer, html5ever's parser): allowed tags keep only the allowed
attributes (``a[href,title]``, ``abbr[title]``, ``acronym[title]``), an ``href`` whose scheme is not http,
https or mailto is dropped, comments go, and the markup comes out balanced.

One step comes first, because the contract says so and nh3 has no such mode: a tag that is not allowed is
**escaped, not stripped**, so ``<script>x</script>`` is stored as ``&lt;script&gt;x&lt;/script&gt;`` and an
admin sees what they typed. Only that escaping is done here, with the standard library's tokenizer; whatever
it passes on, nh3 still checks against the allow-list.

Cleaning is idempotent: cleaning a cleaned string returns it unchanged.
"""

from collections import Counter
from html import escape
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset(
    {"a", "b", "blockquote", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "li", "ol", "p", "span"}
    | {"strong", "ul"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "acronym": {"title"}}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


class _EscapeDisallowed(HTMLParser):
    """Re-emits the markup with every tag outside ``allowed_tags`` turned into text; drops declarations and
    closing tags that close nothing (an HTML parser would make ``</p>`` an empty paragraph)."""

    def __init__(self, allowed_tags):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.parts = []
        self.opened = Counter()

    def _tag(self, tag, raw):
        self.parts.append(raw if tag in self.allowed_tags else escape(raw, quote=False))

    def handle_starttag(self, tag, attrs):
        self.opened[tag] += 1
        self._tag(tag, self.get_starttag_text() or f"<{tag}>")

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag):
        if tag in self.allowed_tags:
            if not self.opened[tag]:
                return
            self.opened[tag] -= 1
        self._tag(tag, f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(escape(data, quote=False))

    # Comments, <!DOCTYPE ...>, <?...?> and CDATA sections are dropped, as bleach does.
    def handle_comment(self, data):
        pass

    def handle_decl(self, decl):
        pass

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        pass

    def result(self):
        self.close()
        return "".join(self.parts)


def clean_html(value, *, allowed_tags=ALLOWED_TAGS, allowed_attributes=None):
    """Return ``value`` with allowed tags kept and everything else escaped (see the module docstring)."""
    if not value:
        return value or ""
    attributes = ALLOWED_ATTRIBUTES if allowed_attributes is None else allowed_attributes
    escaper = _EscapeDisallowed(frozenset(allowed_tags))
    escaper.feed(value)
    return nh3.clean(
        escaper.result(),
        tags=set(allowed_tags),
        attributes={tag: set(names) for tag, names in attributes.items() if tag in allowed_tags},
        url_schemes=set(ALLOWED_PROTOCOLS),
        link_rel=None,  # stored as the admin wrote it; no rel="noopener noreferrer" added to their links
        strip_comments=True,
    )
