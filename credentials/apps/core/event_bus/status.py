"""What an operator needs to see of the bus: stream length, consumer lag and pending entries per group,
dead letters, live consumers, and unsent outbox rows (``manage.py event_bus_status``)."""

import time

from credentials.apps.core.event_bus import config, outbox
from credentials.apps.core.event_bus.client import redis_client


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def topic_status(client, topic, group_id=None):
    stream = config.full_topic(topic)
    result = {"topic": topic, "stream": stream, "length": client.xlen(stream), "groups": []}
    if not client.exists(stream):
        return result
    for group in client.xinfo_groups(stream):
        name = _text(group["name"])
        if group_id and name != group_id:
            continue
        oldest = client.xpending_range(stream, name, "-", "+", 1)
        consumers = client.xinfo_consumers(stream, name)
        alive = {
            _text(key).rsplit(":", 1)[-1]
            for key in client.scan_iter(match=config.heartbeat_key(stream, name, "*"), count=1000)
        }
        result["groups"].append(
            {
                "group": name,
                "lag": group.get("lag"),
                "pending": group["pending"],
                "last_delivered_id": _text(group["last-delivered-id"]),
                "oldest_pending_idle_ms": oldest[0]["time_since_delivered"] if oldest else None,
                "consumers": [
                    {
                        "name": _text(c["name"]),
                        "pending": c["pending"],
                        "idle_ms": c["idle"],
                        "alive": _text(c["name"]) in alive,
                    }
                    for c in consumers
                ],
                "dead_letters": client.xlen(config.dead_letter_key(stream, name)),
            }
        )
    return result


def bus_status(topics, group_id=None):
    client = redis_client()
    try:
        return {
            "checked_at": int(time.time()),
            "topics": [topic_status(client, topic, group_id) for topic in topics],
            "outbox_unsent": outbox.unsent_count(),
        }
    finally:
        client.close()
