"""Issuer identity: did:key by default, did:web with /.well-known/did.json, rotation, commands, admin."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from credentials.apps.verifiable import dataintegrity, issuers, multikey
from credentials.apps.verifiable.models import Issuer, IssuerKey
from tests.credentials import builders
from tests.factories import UserFactory
from tests.verifiable import independent
from tests.verifiable.helpers import credential_url, get_json, served_documents

pytestmark = pytest.mark.django_db


def _command(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_issuer_key_prints_the_did_and_never_the_private_key(site):
    output = _command("create_issuer_key")
    key = IssuerKey.objects.get()
    assert f"testserver: did:key:{key.public_key_multibase}" in output
    private = multikey.secret_key_multibase(issuers.keys.decrypt(key.encrypted_private_key))
    assert private not in output and private not in key.encrypted_private_key
    assert _command("create_issuer_key") == output  # idempotent: still one key
    assert IssuerKey.objects.count() == 1


def test_rotation_keeps_old_credentials_verifiable(client, site):
    UserFactory(username="alice")
    old = get_json(client, credential_url(builders.course_credential().credential))

    _command("rotate_issuer_key")

    second = builders.program_credential()
    new = get_json(client, credential_url(second.credential))
    assert new["issuer"]["id"] != old["issuer"]["id"]
    for document in (old, new):
        result = independent.verify(document, documents=served_documents(client, document), check_status=True)
        assert result == {"verified": True, "error": ""}


def test_did_web_issuer_serves_its_did_document_with_every_key(client, site, settings):
    settings.ALLOWED_HOSTS = ["*"]
    UserFactory(username="alice")
    Issuer.objects.create(site=site, did_web_host="testserver")
    before = get_json(client, credential_url(builders.course_credential().credential))
    _command("rotate_issuer_key")

    did_document = get_json(client, "/.well-known/did.json")

    assert did_document["id"] == "did:web:testserver" == before["issuer"]["id"]
    assert did_document["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
    assert len(did_document["verificationMethod"]) == 2
    assert before["proof"]["verificationMethod"] in did_document["assertionMethod"]
    assert "secretKeyMultibase" not in json.dumps(did_document)
    # Our own did:web issuer resolves without the network, old key included.
    assert dataintegrity.verify_proof(before, issuers.resolve_public_key).verification_method.startswith("did:web:")


def test_did_json_is_404_without_a_did_web_issuer(client, site):
    assert client.get("/.well-known/did.json").status_code == 404


def test_a_key_file_signs_instead_of_the_database(client, site, settings, tmp_path):
    seed_key = multikey.private_key_from_multibase(multikey.encode_base58btc(b"\x80\x26" + bytes(range(32))))
    key_file = tmp_path / "issuer.key"
    key_file.write_text(multikey.secret_key_multibase(seed_key))
    settings.VERIFIABLE_CREDENTIALS = {"ISSUER_KEY_FILE": str(key_file)}
    UserFactory(username="alice")

    document = get_json(client, credential_url(builders.course_credential().credential))

    assert document["issuer"]["id"] == multikey.did_key(seed_key.public_key())
    assert IssuerKey.objects.get().encrypted_private_key == ""
    with pytest.raises(CommandError, match="ISSUER_KEY_FILE"):
        _command("rotate_issuer_key")


def test_the_admin_shows_the_did_and_key_id_but_no_private_key(admin_client, site):
    _command("create_issuer_key")
    issuer = Issuer.objects.get()
    key = issuer.keys.get()

    page = admin_client.get(f"/admin/verifiable/issuer/{issuer.pk}/change/").content.decode()

    assert key.did_key in page and f"{key.did_key}#{key.public_key_multibase}" in page
    assert key.encrypted_private_key not in page
    assert multikey.secret_key_multibase(issuers.keys.decrypt(key.encrypted_private_key)) not in page


def test_rebuild_status_list_re_signs(client, site):
    UserFactory(username="alice")
    get_json(client, credential_url(builders.course_credential().credential))
    output = _command("rebuild_status_list", "https://credentials.example.com")
    assert "0 revoked of 131072, re-signed" in output
