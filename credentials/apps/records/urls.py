"""/records/: the learner record pages, CSV, share and send, and the records JSON API (namespace records:api:v1).

Record and program uuids in these paths are 32 lower-case hex digits (spec/pages.md §0).
"""

from django.urls import include, path, re_path

from credentials.apps.records import clr_views, views

app_name = "records"

PROGRAM = r"^programs/(?P<program_uuid>[0-9a-f]{32})"
SHARED = r"^programs/shared/(?P<record_uuid>[0-9a-f]{32})"

urlpatterns = [
    path("", views.index, name="index"),
    re_path(PROGRAM + r"/$", views.program_record, name="private_programs"),
    re_path(PROGRAM + r"/csv$", views.private_program_record_csv, name="private_program_csv"),
    re_path(PROGRAM + r"/share$", views.share_program, name="share_program"),
    re_path(PROGRAM + r"/send$", views.send_program, name="send_program"),
    re_path(SHARED + r"/$", views.shared_program_record, name="public_programs"),
    re_path(SHARED + r"/csv$", views.program_record_csv, name="program_record_csv"),
    re_path(SHARED + r"/clr\.json$", clr_views.shared_program_record_clr, name="program_record_clr"),
    re_path(PROGRAM + r"/clr\.json$", clr_views.private_program_record_clr, name="private_program_clr"),
    path("api/", include("credentials.apps.api.records_urls")),
]
