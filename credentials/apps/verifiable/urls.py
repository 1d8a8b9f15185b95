"""Public verifiable-credential documents, mounted at the root (credentials/urls.py)."""

from django.urls import path, re_path

from credentials.apps.verifiable import portable_views, views

# Ids are 32 lower-case hex digits, as everywhere in this service's URLs (spec/pages.md §0).
HEX_UUID = "(?P<uuid_hex>[0-9a-f]{32})"

urlpatterns = [
    re_path(
        rf"^verifiable_credentials/api/v1/status-lists/{HEX_UUID}/$", views.status_list, name="verifiable-status-list"
    ),
    path(".well-known/did.json", views.did_json, name="verifiable-did-json"),
    path("verify/", views.verify_page, name="verify"),
    re_path(rf"^v/{HEX_UUID}/$", portable_views.short_verification_link, name="verify-short"),
    path("verifiable_credentials/wallet/", views.wallet_page, name="wallet"),
    re_path(rf"^verifiable_credentials/wallet/{HEX_UUID}/$", views.wallet_add_page, name="wallet-add"),
]
