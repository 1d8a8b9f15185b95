"""``translate_file_path``: a language-specific variant of an included file, e.g. an SVG logo with words in
it (spec/pages.md §3.8). The library's name is upstream's, so theme templates that ``{% load i18n_assets %}``
render unchanged."""

from django import template
from django.conf import settings
from django.template.loader import select_template
from django.utils.translation import get_language

register = template.Library()


def candidate_paths(path, language, default):
    """``root-L.ext``, ``root-L[:2].ext``, ``root-D.ext``, ``root-D[:2].ext``, ``root.ext`` as spec/pages.md
    §3.8 orders and skips them (L: the active language, D: LANGUAGE_CODE; underscores read as hyphens)."""
    root, dot, extension = path.rpartition(".")
    if not dot:
        root, extension = path, ""
    suffix = f".{extension}" if dot else ""
    language = (language or default).replace("_", "-")
    default = default.replace("_", "-")
    names = [f"{root}-{language}{suffix}"]
    if len(language) > 2:
        names.append(f"{root}-{language[:2]}{suffix}")
    if language != default:
        names.append(f"{root}-{default}{suffix}")
        if len(default) > 2 and language[:2] != default[:2]:
            names.append(f"{root}-{default[:2]}{suffix}")
    names.append(path)
    return list(dict.fromkeys(names))


@register.filter
def translate_file_path(path):
    """The name of the first of candidate_paths() that exists as a template; TemplateDoesNotExist if none."""
    names = candidate_paths(str(path), get_language(), settings.LANGUAGE_CODE)
    return select_template(names).template.origin.template_name
