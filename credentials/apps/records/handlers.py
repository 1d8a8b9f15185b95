"""Receivers of other apps' signals, connected in RecordsConfig.ready()."""

from credentials.apps.records import api


def resend_shared_records(sender, *, credential, created, site, request=None, **kwargs):
    """A program credential was issued: re-send the learner's record to the pathways they sent it to."""
    api.resend_records_on_completion(credential=credential, created=created, site=site, request=request)
