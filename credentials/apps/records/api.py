"""What the records app offers other code; the rules live in the modules named here.

- grades.py: learners' grades in course runs (spec/models.md §6.1).
- learner_status.py: a learner's course certificates with grades, for support tools (spec/api.md §10).
- retirement.py: username replacement (spec/models.md §8).
- access.py: who may see and act on learner records.
- record_builder.py: the program record, one builder for the JSON API, the pages and the CSV.
- record_queries.py: the learner's rows a record reads, as queries compiled once per process.
- record_cache.py: the cache of built records and how a cached one is known to be still right.
- records_list.py: the learner's records list and earned certificates.
- sharing.py: sharing a record, sending it to credit pathways, the credit-request e-mail.
- export.py: the program record as CSV.
- clr.py: the program record as a signed CLR 2.0 credential.
- analytics.py: the Segment events of a CSV download.

Other apps import only this module (DESIGN.md §4); the modules above import each other directly.
"""

from credentials.apps.records.access import RecordNotFound, RecordPermissionDenied, may_act_for, records_enabled
from credentials.apps.records.analytics import RecordDownload
from credentials.apps.records.clr import program_record_clr  # noqa: F401  (the CLR door)
from credentials.apps.records.export import CSV_COLUMNS, program_record_csv_filename, program_record_csv_rows
from credentials.apps.records.grades import GradeConflict, get_course_run, save_grade, update_grade
from credentials.apps.records.learner_status import (
    find_learner,
    learner_certificate_status,
    learner_certificate_statuses,
)
from credentials.apps.records.record_builder import build_program_record
from credentials.apps.records.records_list import EarnedCredential, list_earned_credentials, list_program_records
from credentials.apps.records.retirement import replace_usernames
from credentials.apps.records.sharing import (
    PathwayWithoutEmail,
    SendFailed,
    get_shared_record,
    public_record_path,
    resend_records_on_completion,
    send_credit_request,
    send_program_record,
    sendable_pathways,
    share_program_record,
)

__all__ = [
    "CSV_COLUMNS",
    "EarnedCredential",
    "GradeConflict",
    "PathwayWithoutEmail",
    "RecordDownload",
    "RecordNotFound",
    "RecordPermissionDenied",
    "SendFailed",
    "build_program_record",
    "find_learner",
    "get_course_run",
    "get_shared_record",
    "learner_certificate_status",
    "learner_certificate_statuses",
    "list_earned_credentials",
    "list_program_records",
    "may_act_for",
    "program_record_csv_filename",
    "program_record_csv_rows",
    "public_record_path",
    "records_enabled",
    "replace_usernames",
    "resend_records_on_completion",
    "save_grade",
    "send_credit_request",
    "send_program_record",
    "sendable_pathways",
    "share_program_record",
    "update_grade",
]
