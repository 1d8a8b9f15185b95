"""Cleaning the HTML admins type into program completion e-mails (spec/models.md §3.8).

Upstream runs ``bleach.clean`` with a short list of allowed tags. This module reproduces the behaviour
that matters with the standard library's tokenizer, so no extra dependency is needed:

* allowed tags are kept, with only the allowed attributes (``a[href,title]``, ``abbr[title]``,
  ``acronym[title]``); an ``href`` whose scheme is not http, https or mailto is dropped;
* any other tag is **escaped, not stripped**: ``<script>x</script>`` becomes
  ``&lt;script&gt;x&lt;/script&gt;``, so an admin sees what they typed and nothing runs;
* comments, doctypes and processing instructions are dropped; text is escaped;
* allowed elements left open are closed (at the end, or where HTML implies it: a new ``<li>`` ends the
  previous one, a block ends an open ``<p>``), stray closing tags are dropped.

Cleaning is idempotent: cleaning a cleaned string returns it unchanged.
"""

from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

ALLOWED_TAGS = frozenset(
    {"a", "b", "blockquote", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "li", "ol", "p", "span"}
    | {"strong", "ul"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "acronym": {"title"}}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# HTML's implied end tags that matter for these tags: a new <li> ends the open <li>, a block ends an open <p>.
BLOCKS = frozenset({"p", "div", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})


def _safe_url(value):
    """A relative URL or one with an allowed scheme; control characters browsers ignore are not a way in."""
    compact = "".join(character for character in value if character > " ").lower()
    scheme = urlsplit(compact).scheme if ":" in compact.split("/", 1)[0] else ""
    return not scheme or scheme in ALLOWED_PROTOCOLS


class _Cleaner(HTMLParser):
    def __init__(self, allowed_tags, allowed_attributes):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.allowed_attributes = allowed_attributes
        self.parts = []
        self.open_tags = []

    def _start_tag(self, tag, attrs):
        kept = []
        for name, value in attrs:
            if name not in self.allowed_attributes.get(tag, ()) or value is None:
                continue
            if name == "href" and not _safe_url(value):
                continue
            kept.append(f' {name}="{escape(value, quote=True)}"')
        return f"<{tag}{''.join(kept)}>"

    def _close_implied(self, tag):
        if self.open_tags and (
            (tag == "li" and self.open_tags[-1] == "li") or (tag in BLOCKS and self.open_tags[-1] == "p")
        ):
            self.parts.append(f"</{self.open_tags.pop()}>")

    def handle_starttag(self, tag, attrs):
        if tag in self.allowed_tags:
            self._close_implied(tag)
            self.parts.append(self._start_tag(tag, attrs))
            self.open_tags.append(tag)
        else:
            self.parts.append(escape(self.get_starttag_text() or f"<{tag}>", quote=False))

    def handle_startendtag(self, tag, attrs):
        if tag in self.allowed_tags:
            # None of the allowed tags is a void element: write it as an empty element.
            self.parts.append(f"{self._start_tag(tag, attrs)}</{tag}>")
        else:
            self.parts.append(escape(self.get_starttag_text() or f"<{tag}/>", quote=False))

    def handle_endtag(self, tag):
        if tag not in self.allowed_tags:
            self.parts.append(escape(f"</{tag}>", quote=False))
            return
        if tag not in self.open_tags:
            return  # a stray closing tag
        while self.open_tags:
            open_tag = self.open_tags.pop()
            self.parts.append(f"</{open_tag}>")
            if open_tag == tag:
                break

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
        self.parts.extend(f"</{tag}>" for tag in reversed(self.open_tags))
        self.open_tags = []
        return "".join(self.parts)


def clean_html(value, *, allowed_tags=ALLOWED_TAGS, allowed_attributes=None):
    """Return ``value`` with allowed tags kept and everything else escaped (see the module docstring)."""
    if not value:
        return value or ""
    cleaner = _Cleaner(allowed_tags, ALLOWED_ATTRIBUTES if allowed_attributes is None else allowed_attributes)
    cleaner.feed(value)
    return cleaner.result()
