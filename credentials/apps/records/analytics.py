"""The Segment events of a shared record's CSV download (spec/pages.md §5.7), when the site has a Segment key.

Upstream sends the start event without an id, so Segment's client refuses it and only the finish event goes
out; here both go out, with the same id: the visitor's ``ajs_anonymous_id`` (set by analytics.js on the
pages), else a new random one.
"""

import uuid
from dataclasses import dataclass

from credentials.apps.core import api as core_api

DOWNLOAD_STARTED = "edx.bi.credentials.program_record.download_started"
DOWNLOAD_FINISHED = "edx.bi.credentials.program_record.download_finished"


@dataclass(frozen=True)
class RecordDownload:
    site: object
    record_uuid: uuid.UUID  # the shared record's
    program_uuid: uuid.UUID
    visitor_id: str
    context: dict  # Segment's context: page {path, referrer, url} and userAgent

    @classmethod
    def of(cls, *, site, shared_record, anonymous_id, path, referrer, url, user_agent):
        # analytics.js stores the id JSON-encoded, quotes included.
        visitor_id = (anonymous_id or "").strip().strip('"') or str(uuid.uuid4())
        return cls(
            site=site,
            record_uuid=shared_record.uuid,
            program_uuid=shared_record.program.uuid,
            visitor_id=visitor_id,
            context={"page": {"path": path, "referrer": referrer, "url": url}, "userAgent": user_agent},
        )

    def _track(self, event):
        core_api.track(
            self.site,
            event=event,
            user_id=self.visitor_id,
            properties={
                "category": "records",
                "program_uuid": self.program_uuid.hex,
                "record_uuid": self.record_uuid.hex,
            },
            context=self.context,
        )

    def started(self):
        self._track(DOWNLOAD_STARTED)

    def finished(self):
        self._track(DOWNLOAD_FINISHED)
