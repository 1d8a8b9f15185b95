"""Mounted at /verifiable_credentials/api/v1/ (upstream's paths, spec/verifiable.md §3)."""

from django.urls import path

from credentials.apps.api import wallet_views

urlpatterns = [
    path("", wallet_views.WalletRootView.as_view(), name="wallet-root"),
    path("credentials/", wallet_views.WalletCredentialsView.as_view(), name="wallet-credentials"),
    path("credentials/init/", wallet_views.InitIssuanceView.as_view(), name="wallet-init"),
    path("credentials/issue/<uuid:line_uuid>/", wallet_views.IssueCredentialView.as_view(), name="wallet-issue"),
    path("storages/", wallet_views.StoragesView.as_view(), name="wallet-storages"),
]
