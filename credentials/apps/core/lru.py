"""A bounded, thread-safe, least-recently-used map with a time limit per entry, for per-process caches.

Every cache a process keeps in its memory has a size: keys often come from requests (hosts, paths), so an
unbounded dict is a memory leak an attacker can drive.
"""

import threading
import time
from collections import OrderedDict


class LRUCache:
    def __init__(self, max_entries):
        self.max_entries = max(1, int(max_entries))
        self._entries = OrderedDict()  # key → (expires at, value)
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._entries)

    def get(self, key, default=None):
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            if entry[0] <= now:
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return entry[1]

    def set(self, key, value, ttl):
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()
