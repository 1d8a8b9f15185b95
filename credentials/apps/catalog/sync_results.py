"""What a catalog sync reports: per site, per model type, and progress while it runs."""

from dataclasses import dataclass, field

# Discovery resources in the order they must be read: each refers to rows of the ones before it.
RESOURCES = ("organizations", "courses", "programs", "pathways")
# Model types in the order upstream reports them and deletes them (spec/integration.md §3.1 steps 4-5).
MODEL_TYPES = ("courses", "course_runs", "organizations", "pathways", "programs")

SYNCED = "synced"
SKIPPED = "skipped"
FAILED = "failed"


@dataclass
class TypeChanges:
    """What a sync saw and did for one model type on one site."""

    existing: set = field(default_factory=set)
    seen: set = field(default_factory=set)
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: list = field(default_factory=list)
    blocked: list = field(default_factory=list)  # (uuid, why) pairs

    @property
    def added(self):
        return sorted(self.seen - self.existing, key=str)

    @property
    def removed(self):
        return sorted(self.existing - self.seen, key=str)


@dataclass
class SiteSyncResult:
    domain: str
    status: str
    reason: str = ""  # why the site was skipped, or the one-line cause of its failure
    changes: dict = field(default_factory=lambda: {name: TypeChanges() for name in MODEL_TYPES})
    warnings: list = field(default_factory=list)
    pages: dict = field(default_factory=lambda: dict.fromkeys(RESOURCES, 0))
    deleted: bool = False  # --delete was given and deletions were attempted
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def pending_removals(self):
        """Rows discovery no longer returns that are still here (not deleted, or deletion was blocked)."""
        if self.status != SYNCED:
            return False
        if self.deleted:
            return any(changes.blocked for changes in self.changes.values())
        return any(changes.removed for changes in self.changes.values())


@dataclass(frozen=True)
class SyncProgress:
    """Reported after each page, and once more with ``done`` when a resource is complete."""

    domain: str
    resource: str
    pages: int
    items: int
    total: int | None
    seconds: float
    done: bool = False


class UnknownSite(ValueError):
    pass
