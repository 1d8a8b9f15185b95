"""The Redis Streams consumer: at-least-once delivery to idempotent handlers (spec/events.md §11.2-11.5).

Same streams, groups, entry format and ``consume_events`` options as edx-event-bus-redis, but unlike
upstream's loop (which acknowledges failed messages and moves its group to the end of the stream at every
start, spec/events.md §7.6) this one:

* never moves the group on start, so events published while no consumer ran are read when one comes back;
* re-reads its own pending entries on start (a consumer killed mid-batch loses nothing) and claims entries
  left idle by failed attempts or by dead siblings;
* acknowledges an entry only once its handlers committed, or once it is parked in the dead-letter stream
  (undecodable, permanently impossible, or delivered EVENT_BUS_REDIS_MAX_DELIVERIES times): a poison
  message is never retried forever and never blocks the entries behind it;
* on SIGTERM/SIGINT finishes the entry in hand and returns; a second signal exits at once.
"""

import logging
import os
import signal as os_signal
import socket
import threading
import time
from collections import Counter

import redis
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from openedx_events.event_bus import EventBusConsumer
from openedx_events.tooling import prepare_for_new_work_cycle

from credentials.apps.core.event_bus import config, dead_letters, handlers, wire
from credentials.apps.core.event_bus.client import redis_client

log = logging.getLogger(__name__)

REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY = "retry"
DEAD = "dead"


class ConsumerFatalError(Exception):
    """The consumer cannot go on (broker unreachable too long, too many consecutive errors): exit non-zero."""


class RedisEventConsumer(EventBusConsumer):
    """``EVENT_BUS_CONSUMER`` implementation; constructed by openedx-events' ``make_single_consumer``."""

    def __init__(
        self,
        topic,
        group_id,
        consumer_name=None,
        last_read_msg_id=None,
        check_backlog=False,
        claim_msgs_older_than=None,
    ):
        self.topic = topic
        self.group_id = group_id
        self.stream = config.full_topic(topic)
        # A stable default name: a restarted consumer on the same host finds its own pending entries.
        self.consumer_name = consumer_name or f"{group_id}.{socket.gethostname()}"
        self.last_read_msg_id = last_read_msg_id
        self.check_backlog = bool(check_backlog)
        self.claim_idle_ms = int(claim_msgs_older_than or config.setting("EVENT_BUS_REDIS_CLAIM_IDLE_MS", 60_000))
        self.claim_interval = float(config.setting("EVENT_BUS_REDIS_CLAIM_INTERVAL_S", 15))
        self.max_deliveries = int(config.setting("EVENT_BUS_REDIS_MAX_DELIVERIES", 5))
        self.block_seconds = min(float(config.setting("EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT", 60)), 5.0)
        self.batch_size = int(config.setting("EVENT_BUS_REDIS_CONSUMER_BATCH_SIZE", 10))
        self.fatal_after = float(config.setting("EVENT_BUS_REDIS_FATAL_AFTER_S", 300))
        self.errors_limit = config.setting("EVENT_BUS_REDIS_CONSUMER_CONSECUTIVE_ERRORS_LIMIT", None)
        self.client = redis_client(block_seconds=self.block_seconds)
        self.counts = Counter()
        self._stopping = False
        self._outage_since = None
        self._consecutive_errors = 0

    # --- Lifecycle ------------------------------------------------------------------------------------

    def stop(self):
        """Finish the entry in hand, then return from consume_indefinitely (also what SIGTERM does)."""
        self._stopping = True

    def consume_indefinitely(self):
        if not config.REDIS_CONSUMERS_ENABLED.is_enabled():
            log.error("Redis consumers not enabled, exiting.")
            return
        restore_signals = self._install_signal_handlers()
        try:
            log.info(
                "Running consumer for %r",
                {"full_topic": self.stream, "consumer_group": self.group_id, "consumer_name": self.consumer_name},
            )
            self._until_redis_answers(self._prepare_group)
            self._until_redis_answers(self._recover_own_pending)
            self._loop()
        finally:
            restore_signals()
            self.client.close()
            close_old_connections()
            log.info("Consumer %s stopped: %s", self.consumer_name, dict(self.counts))

    def consume_available(self):
        """Handle what can be handled now (own pending, idle, then new entries) and return the outcome counts.
        For one-shot runs: tests, the benchmark, draining a stream by hand."""
        self._prepare_group()
        self._recover_own_pending()
        self._claim_idle()
        while not self._stopping:
            response = self.client.xreadgroup(
                self.group_id, self.consumer_name, {self.stream: ">"}, count=self.batch_size
            )
            entries = response[0][1] if response else []
            if not entries:
                break
            for msg_id, fields in entries:
                if self._stopping:
                    break
                self._handle(msg_id, fields, deliveries=1)
        return dict(self.counts)

    def _install_signal_handlers(self):
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {signum: os_signal.getsignal(signum) for signum in (os_signal.SIGTERM, os_signal.SIGINT)}

        def on_signal(signum, frame):
            if self._stopping:
                os._exit(128 + signum)  # a second signal: leave now, the entry in hand stays pending
            log.info("Signal %s: finishing the current event, then exiting", os_signal.Signals(signum).name)
            self._stopping = True

        for signum in previous:
            os_signal.signal(signum, on_signal)
        return lambda: [os_signal.signal(signum, handler) for signum, handler in previous.items()]

    # --- Group and reading ----------------------------------------------------------------------------

    def _prepare_group(self, *, after_data_loss=False):
        """Create the group if absent; never move an existing group (upstream SETIDs to ``$`` on each start)."""
        start = "0" if (self.check_backlog or after_data_loss) else "$"
        try:
            self.client.xgroup_create(self.stream, self.group_id, id=start, mkstream=True)
            log.info("Created consumer group %s on %s at %s", self.group_id, self.stream, start)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        if self.last_read_msg_id:
            self.client.xgroup_setid(self.stream, self.group_id, self.last_read_msg_id)
            log.info("Replaying %s after %s for group %s", self.stream, self.last_read_msg_id, self.group_id)
            self.last_read_msg_id = None  # a reconnect must not rewind again

    def _recover_own_pending(self):
        """Entries this consumer read but never acknowledged (it was killed, or a handler failed)."""
        cursor = "0"
        while not self._stopping:
            response = self.client.xreadgroup(
                self.group_id, self.consumer_name, {self.stream: cursor}, count=self.batch_size
            )
            entries = response[0][1] if response else []
            if not entries:
                return
            for msg_id, fields in entries:
                if self._stopping:
                    return
                self._handle(msg_id, fields, deliveries=self._deliveries(msg_id))
                cursor = msg_id

    def _claim_idle(self):
        """Retry entries idle for claim_idle_ms (failed attempts, or a dead sibling's), then carry on."""
        cursor = "0-0"
        while not self._stopping:
            next_cursor, entries, *deleted = self.client.xautoclaim(
                self.stream, self.group_id, self.consumer_name, self.claim_idle_ms, cursor, count=self.batch_size
            )
            for msg_id in deleted[0] if deleted else []:
                # Trimmed from the stream while pending: Redis drops it from the group; say so loudly.
                dead_letters.park(
                    self.client,
                    stream=self.stream,
                    group_id=self.group_id,
                    consumer_name=self.consumer_name,
                    msg_id=msg_id,
                    fields={},
                    reason=dead_letters.TRIMMED,
                    error="entry trimmed from the stream before it was handled",
                    deliveries=0,
                )
            for msg_id, fields in entries:
                if self._stopping:
                    return
                self._handle(msg_id, fields, deliveries=self._deliveries(msg_id))
            if next_cursor in (b"0-0", "0-0"):
                return
            cursor = next_cursor

    def _deliveries(self, msg_id):
        pending = self.client.xpending_range(self.stream, self.group_id, msg_id, msg_id, 1)
        return pending[0]["times_delivered"] if pending else 1

    def _loop(self):
        next_claim = time.monotonic() + self.claim_interval
        while not self._stopping:
            try:
                if time.monotonic() >= next_claim:
                    self._claim_idle()
                    next_claim = time.monotonic() + self.claim_interval
                self.client.set(
                    config.heartbeat_key(self.stream, self.group_id, self.consumer_name), int(time.time()), ex=30
                )
                response = self.client.xreadgroup(
                    self.group_id,
                    self.consumer_name,
                    {self.stream: ">"},
                    count=self.batch_size,
                    block=int(self.block_seconds * 1000),
                )
                self._outage_since = None
                for msg_id, fields in response[0][1] if response else []:
                    if self._stopping:
                        break  # the rest of the batch stays pending for our next start
                    self._handle(msg_id, fields, deliveries=1)
            except REDIS_DOWN as exc:
                self._wait_for_redis(exc)
                self._until_redis_answers(self._recover_own_pending)
            except redis.ResponseError as exc:
                self._recreate_lost_group(exc)

    def _until_redis_answers(self, action):
        while not self._stopping:
            try:
                action()
                self._outage_since = None
                return
            except REDIS_DOWN as exc:
                self._wait_for_redis(exc)
            except redis.ResponseError as exc:
                self._recreate_lost_group(exc)

    def _recreate_lost_group(self, exc):
        """The broker lost our group while we ran (restarted without persistence, or the group was deleted):
        read the stream from its start again; event ids already applied are acknowledged as duplicates."""
        if "NOGROUP" not in str(exc):
            raise exc
        log.error(
            "Consumer group %s vanished from %s; re-creating it at the start of the stream", self.group_id, self.stream
        )
        self._prepare_group(after_data_loss=True)

    def _wait_for_redis(self, exc):
        now = time.monotonic()
        self._outage_since = self._outage_since or now
        down_for = now - self._outage_since
        if down_for > self.fatal_after:
            raise ConsumerFatalError(f"Redis unreachable for {down_for:.0f} s: {exc!r}") from exc
        delay = min(30.0, 0.5 * 2 ** min(6, int(down_for // 5)))
        log.warning("Redis unreachable (%r); retrying in %.1f s", exc, delay)
        self._sleep(delay)

    def _sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, deadline - time.monotonic()))

    # --- One entry ------------------------------------------------------------------------------------

    def _handle(self, msg_id, fields, *, deliveries):
        started = time.monotonic()
        event = None
        if not fields:
            outcome = self._park(msg_id, fields, dead_letters.TRIMMED, "entry has no data (trimmed)", deliveries)
        else:
            try:
                event = wire.decode(self.stream, msg_id, fields)
            except wire.UndecodableEvent as exc:
                outcome = self._park(msg_id, fields, dead_letters.UNDECODABLE, exc, deliveries)
            else:
                outcome = self._apply(event, msg_id, fields, deliveries)
        self.counts[outcome] += 1
        log.info(
            "Event handled: type=%s id=%s outcome=%s duration_ms=%.1f stream=%s group=%s redis_msg_id=%s deliveries=%s",
            event.event_type if event else _field(fields, b"type"),
            event.id if event else _field(fields, b"id"),
            outcome,
            (time.monotonic() - started) * 1000,
            self.stream,
            self.group_id,
            _text(msg_id),
            deliveries,
        )
        if outcome == RETRY:
            self._consecutive_errors += 1
            if self.errors_limit and self._consecutive_errors >= int(self.errors_limit):
                raise ConsumerFatalError(f"Too many consecutive errors, exiting ({self._consecutive_errors} in a row)")
        else:
            self._consecutive_errors = 0
        return outcome

    def _apply(self, event, msg_id, fields, deliveries):
        if deliveries > self.max_deliveries:
            handlers.record_dead(event, group_id=self.group_id, stream=self.stream, msg_id=msg_id, error="max")
            return self._park(msg_id, fields, dead_letters.MAX_DELIVERIES, "too many deliveries", deliveries, event)
        self._audit_received(event, msg_id)
        delay = 0.5
        while True:
            _fresh_database_connection()
            try:
                outcome = handlers.apply(event, group_id=self.group_id, stream=self.stream, msg_id=msg_id)
                break
            except handlers.HandlerFailed as exc:
                if all(isinstance(error, DATABASE_DOWN) for _, error in exc.errors):
                    log.warning("Database unavailable while handling %s (%s); retrying in %.1f s", event.id, exc, delay)
                    self._sleep(delay)
                    delay = min(30.0, delay * 2)
                    if self._stopping:
                        return RETRY
                    continue
                if exc.permanent:
                    handlers.record_dead(event, group_id=self.group_id, stream=self.stream, msg_id=msg_id, error=exc)
                    return self._park(msg_id, fields, dead_letters.PERMANENT, exc, deliveries, event)
                log.error("Event %s (%s) failed, left pending for a retry: %s", event.id, event.event_type, exc)
                return RETRY
            except DATABASE_DOWN as exc:
                # No event can be applied without the database: wait for it on this entry rather than burn the
                # delivery budget of every entry behind it.
                log.warning("Database unavailable while handling %s (%r); retrying in %.1f s", event.id, exc, delay)
                self._sleep(delay)
                delay = min(30.0, delay * 2)
                if self._stopping:
                    return RETRY
            except Exception:
                log.exception("Event %s (%s) failed, left pending for a retry", event.id, event.event_type)
                return RETRY
        self.client.xack(self.stream, self.group_id, msg_id)
        if config.AUDIT_LOGGING_ENABLED.is_enabled():
            log.info("Message from Redis processed successfully")
        return outcome

    def _park(self, msg_id, fields, reason, error, deliveries, event=None):
        dead_letters.park(
            self.client,
            stream=self.stream,
            group_id=self.group_id,
            consumer_name=self.consumer_name,
            msg_id=msg_id,
            fields=fields,
            reason=reason,
            error=error,
            deliveries=deliveries,
            event=event,
        )
        return DEAD

    def _audit_received(self, event, msg_id):
        if config.AUDIT_LOGGING_ENABLED.is_enabled():
            # Upstream's audit line, verbatim (including its seconds-valued "timestamp_ms").
            log.info(
                f"Message received from Redis: topic={self.stream}, message_id={event.id}, "
                f"redis_msg_id={msg_id}, event_timestamp_ms={event.metadata.time.timestamp()}"
            )


def _fresh_database_connection():
    """As a request does: drop a connection that is broken or older than CONN_MAX_AGE (and reconnect a broken one,
    openedx-events' prepare step). Not inside a caller's transaction (consume_available under a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()
        prepare_for_new_work_cycle()


def _field(fields, name):
    return _text((fields or {}).get(name, b"?"))


def _text(value):
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
