"""What the clients record: each call, and the state acknowledged writes say the database must hold."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Call:
    op: str
    status: int | None  # None: no response (connection error or timeout)
    started: float
    ended: float
    expected: tuple
    throttle_ok: bool = False
    detail: str = ""
    is_json_503: bool = False


@dataclass
class CredentialState:
    """What the database must hold for one (learner, configuration), from the acknowledged writes."""

    kind: str
    username: str
    configuration_id: int
    uuid: str | None = None
    status: str | None = None
    attributes: dict = field(default_factory=dict)
    date_override: str | None = None
    uncertain: bool = False  # a write was never acknowledged: its effect is unknown
    acknowledged: int = 0
    uuids_seen: set = field(default_factory=set)


@dataclass
class GradeState:
    username: str
    run_key: str
    percent: str | None = None
    letter: str | None = None
    updated_at: datetime | None = None
    uncertain: bool = False
    acknowledged: int = 0
    stale_ignored: int = 0
