"""Fetching what the service serves, as a verifier would."""

import json


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def credential_url(credential):
    return f"/credentials/{credential.uuid.hex}/credential.json"


def served_documents(client, credential_document):
    """The status list a credential points at, fetched from the service (for the offline verifier)."""
    list_url = credential_document["credentialStatus"]["statusListCredential"]
    return {list_url: get_json(client, list_url.removeprefix("http://testserver"))}
