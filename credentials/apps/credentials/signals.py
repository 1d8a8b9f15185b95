"""In-process events of the credentials app (when each is sent is said beside it)."""

from django.dispatch import Signal

# A program credential was issued (created or updated) through the API, after the commit: kwargs `credential`, `created`,
# `site`, `lms_user_id`, `request`. Receivers send the completion e-mail, re-send shared records to pathways.
program_credential_issued = Signal()

# Credentials revoked in bulk, without a save (and so without post_save): kwarg `credential_ids`. Sent inside
# the revoking transaction, so receivers change their own rows atomically with it (verifiable status bits).
credentials_revoked_in_bulk = Signal()
