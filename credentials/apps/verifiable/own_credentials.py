"""Credentials of other apps (badges) that this app serves like certificates, registered here since it may not
import them (DESIGN.md §4): paths /verify/?url= opens by address (read directly, never over the network), and
signers the wallet flow issues them with.
"""

import re

_readers = []
_wallet_signers = []


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


def register_wallet_signer(resolver):
    """``resolver(site=, credential=)`` → None, or ``sign(*, base_url, subject_id, credential_id)`` returning the
    signed credential (a dict) of that UserCredential for a wallet holder, when it may go to a wallet now."""
    if resolver not in _wallet_signers:
        _wallet_signers.append(resolver)


def wallet_signer(*, site, credential):
    for resolver in _wallet_signers:
        sign = resolver(site=site, credential=credential)
        if sign is not None:
            return sign
    return None
