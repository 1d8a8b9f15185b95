"""Issuer configuration in the admin: name, DID, keys. Private keys are never shown (not even encrypted)."""

from django.contrib import admin

from credentials.apps.verifiable import issuers
from credentials.apps.verifiable.models import Issuer, IssuerKey, StatusList


class IssuerKeyInline(admin.TabularInline):
    model = IssuerKey
    fields = ("public_key_multibase", "verification_method", "from_key_file", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False  # deleting a key would make the credentials it signed unverifiable

    def has_add_permission(self, request, obj=None):
        return False  # keys are made by signing or by manage.py create_issuer_key / rotate_issuer_key

    @admin.display(description="verification method")
    def verification_method(self, key):
        return issuers.verification_method(key.issuer, key)


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    list_display = ("site", "enabled", "name", "did")
    list_filter = ("enabled",)
    fields = ("site", "enabled", "name", "did_web_host", "did", "signing_key_id")
    readonly_fields = ("did", "signing_key_id")
    inlines = [IssuerKeyInline]

    @admin.display(description="issuer DID")
    def did(self, issuer):
        key = issuer.keys.first()
        if issuer.did_web_host:
            return issuers.did_web(issuer.did_web_host)
        return key.did_key if key else "(created by the first signing)"

    @admin.display(description="signing key id")
    def signing_key_id(self, issuer):
        key = issuer.keys.first()
        return issuers.verification_method(issuer, key) if key else "-"


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ("uuid", "issuer", "purpose", "length", "is_open", "signed_at")
    fields = ("uuid", "issuer", "purpose", "length", "is_open", "signed_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
