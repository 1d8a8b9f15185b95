"""Bitstring Status List: one bit per credential, ≥131,072 entries, signed, cacheable, set on revocation."""

import json

import pytest
from django.db import IntegrityError, transaction

from credentials.apps.credentials import api as credentials_api
from credentials.apps.verifiable import issuers, status
from credentials.apps.verifiable.models import StatusList, StatusListEntry
from tests.credentials import builders
from tests.factories import UserFactory
from tests.verifiable import independent
from tests.verifiable.helpers import credential_url, get_json

pytestmark = pytest.mark.django_db

SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _list_path(document):
    return document["credentialStatus"]["statusListCredential"].removeprefix("http://testserver")


def test_the_spec_example_decodes_to_16_kb_of_zeros():
    assert status.decode_bits(SPEC_EXAMPLE) == bytes(16384)


def test_bits_are_msb_first_and_round_trip():
    bits = status.decode_bits(status.encode_bits([0, 9, 131071], 131072))
    assert len(bits) == 16384
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[16383] == 0x01
    assert [i for i in range(131072) if status.bit_is_set(bits, i)] == [0, 9, 131071]
    assert "=" not in status.encode_bits([1], 131072)


def test_the_served_list_is_a_signed_bitstring_status_list_credential(client, site):
    UserFactory(username="alice")
    awarded = builders.course_credential()
    credential = get_json(client, credential_url(awarded.credential))

    response = client.get(_list_path(credential))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    document = json.loads(response.content)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == credential["issuer"]["id"]
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["id"] == document["id"] + "#list"
    assert len(status.decode_bits(subject["encodedList"])) * 8 >= 131072
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert independent.verify(document)["verified"] is True

    again = client.get(_list_path(credential), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_revoking_sets_exactly_the_credential_bit(client, site):
    UserFactory(username="alice")
    UserFactory(username="bob")
    revoked = builders.course_credential(username="alice")
    kept = builders.program_credential(username="bob")
    revoked_doc = get_json(client, credential_url(revoked.credential))
    kept_doc = get_json(client, credential_url(kept.credential))
    before = client.get(_list_path(revoked_doc))

    credentials_api.revoke_credential(revoked.credential)

    after = client.get(_list_path(revoked_doc), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200  # the bits changed: a new body, a new ETag
    bits = status.decode_bits(json.loads(after.content)["credentialSubject"]["encodedList"])
    assert status.bit_is_set(bits, int(revoked_doc["credentialStatus"]["statusListIndex"]))
    assert not status.bit_is_set(bits, int(kept_doc["credentialStatus"]["statusListIndex"]))
    assert sum(bin(byte).count("1") for byte in bits) == 1


def test_a_bulk_revocation_sets_the_bit_in_its_transaction(client, site):
    learner = UserFactory(username="alice", lms_user_id=77)
    awarded = builders.course_credential(username=learner.username)
    document = get_json(client, credential_url(awarded.credential))

    credentials_api.revoke_credentials_of_learners(
        credential_type="coursecertificate", credential_id=awarded.configuration.pk, lms_user_ids=[77]
    )

    assert StatusListEntry.objects.get().revoked_at is not None  # before anyone reads the list
    bits = status.decode_bits(get_json(client, _list_path(document))["credentialSubject"]["encodedList"])
    assert status.bit_is_set(bits, int(document["credentialStatus"]["statusListIndex"]))


def test_a_credential_revoked_behind_our_back_is_seen_by_the_list(client, site):
    UserFactory(username="alice")
    awarded = builders.course_credential()
    document = get_json(client, credential_url(awarded.credential))
    type(awarded.credential).objects.filter(pk=awarded.credential.pk).update(status="revoked")  # no signal at all

    bits = status.decode_bits(get_json(client, _list_path(document))["credentialSubject"]["encodedList"])
    assert status.bit_is_set(bits, int(document["credentialStatus"]["statusListIndex"]))


def test_an_index_is_unique_in_its_list_by_a_database_constraint(site):
    UserFactory(username="alice")
    awarded = builders.course_credential()
    status_list = StatusList.objects.create(issuer_id=_issuer(site).pk, length=131072)
    StatusListEntry.objects.create(status_list=status_list, index=5, credential=awarded.credential)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusListEntry.objects.create(status_list=status_list, index=5, credential=awarded.credential)


def test_allocation_retries_a_taken_index(site, monkeypatch):
    UserFactory(username="alice")
    awarded = builders.course_credential()
    issuer = _issuer(site)
    key, _ = issuers.signing_key(issuer)
    first = status.allocate_entry(issuer, key, awarded.credential)
    picks = iter([first.index, first.index, first.index + 1 if first.index < 131071 else 0])
    monkeypatch.setattr(status.secrets, "randbelow", lambda n: next(picks))
    second = status.allocate_entry(issuer, key, awarded.credential)
    assert second.index != first.index and second.status_list_id == first.status_list_id


def test_unknown_list_is_404(client, site):
    response = client.get("/verifiable_credentials/api/v1/status-lists/" + "0" * 32 + "/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def _issuer(site):
    return issuers.get_issuer(site)
