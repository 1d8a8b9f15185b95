"""The JSON-LD document loader: vendored contexts only (spec/verifiable.md §10.3).

Nothing is fetched at run time. A context URL that is not in ``CONTEXT_FILES`` raises, so signing fails and
verification reports the ``schema`` check (unknown context) instead of silently trusting a remote document.
Each loader keeps its own cache of resolved contexts: pyld's default cache is process-wide and keyed by URL
only, so a context that some other loader (a test's) resolved could otherwise be served without asking ours.
That cache is per thread as well: each resolved context carries pyld's own unlocked LRU cache of processed
contexts, which concurrent signings in one process (threaded servers, the status-list race test) corrupt.
"""

import copy
import json
import threading
from functools import cache
from pathlib import Path

from cachetools import LRUCache
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

CONTEXT_FILES = {
    CREDENTIALS_V2: "credentials-v2.json",
    CREDENTIALS_V1: "credentials-v1.json",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.json",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.json",
    MULTIKEY_V1: "multikey-v1.json",
    ED25519_2020: "ed25519-signature-2020-v1.json",
    DID_V1: "did-v1.json",
    OB_V3: "ob-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-context-3.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-context-3.0.2.json",
    OB_EXTENSIONS: "ob-context-extensions.json",
    "https://www.w3.org/ns/credentials/status/v1": "status-v1.json",
    "https://w3id.org/vc/status-list/2021/v1": "status-list-2021-v1.json",
}


class UnknownContextError(Exception):
    """A document names a JSON-LD context that is not vendored here."""

    def __init__(self, url):
        super().__init__(f"Unknown JSON-LD context {url!r}: only vendored contexts are used, nothing is fetched.")
        self.url = url


@cache
def _read_context(filename):
    return json.loads((CONTEXTS_DIR / filename).read_text(encoding="utf-8"))


def is_known_context(url):
    return url in CONTEXT_FILES


class DocumentLoader:
    """A pyld document loader over a fixed URL → JSON map; ``extra`` adds documents (tests, vectors)."""

    def __init__(self, extra=None):
        self.extra = dict(extra or {})
        self._per_thread = threading.local()

    @property
    def resolved_contexts(self):
        contexts = getattr(self._per_thread, "resolved_contexts", None)
        if contexts is None:
            contexts = self._per_thread.resolved_contexts = LRUCache(maxsize=100)
        return contexts

    def __call__(self, url, options=None):
        if url in self.extra:
            document = copy.deepcopy(self.extra[url])
        elif url in CONTEXT_FILES:
            document = copy.deepcopy(_read_context(CONTEXT_FILES[url]))
        else:
            raise JsonLdError(
                str(UnknownContextError(url)),
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading remote context failed",
            )
        return {"contextUrl": None, "documentUrl": url, "document": document}

    def options(self, **more):
        """pyld options using this loader and this loader's own resolved-context cache."""
        return {
            "documentLoader": self,
            "contextResolver": ContextResolver(self.resolved_contexts, self),
            **more,
        }


default_loader = DocumentLoader()
