"""Credentials of this service that /verify/?url= opens by address, read directly (never over the network).

Certificates' credential.json is built in; apps above this one (badges) register their own paths here, since
this app may not import them (DESIGN.md §4).
"""

import re

_readers = []


def register_reader(path_pattern, reader):
    """``reader(site=, match=, base_url=)`` → the credential's JSON text or None, for paths matching
    ``path_pattern`` (a regex over the path, anchored at both ends). Registering the same pattern again
    replaces the earlier reader."""
    compiled = re.compile(path_pattern)
    _readers[:] = [(pattern, function) for pattern, function in _readers if pattern.pattern != compiled.pattern]
    _readers.append((compiled, reader))


def read(*, site, path, base_url):
    """The JSON text of a registered credential path, or None."""
    for pattern, reader in _readers:
        match = pattern.fullmatch(path)
        if match is not None:
            return reader(site=site, match=match, base_url=base_url)
    return None
