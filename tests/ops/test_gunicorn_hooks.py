"""credentials/gunicorn_conf.py's hooks, called as gunicorn's master calls them."""

import gc

from credentials import gunicorn_conf


def test_before_forking_a_worker_the_master_freezes_what_it_has_imported_out_of_garbage_collection():
    tracked_before = len(gc.get_objects())  # this process has imported Django and every app, as the master has
    try:
        gunicorn_conf.pre_fork(server=None, worker=None)

        assert gc.get_freeze_count() > tracked_before // 2  # what a worker's collections will not walk
        assert len(gc.get_objects()) < tracked_before // 100  # what they still would
    finally:
        gc.unfreeze()
