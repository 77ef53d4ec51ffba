"""The shared cache backend of settings.CACHES."""

from diskcache import DjangoCache


class DiskCache(DjangoCache):
    """DiskCache's Django backend, kept open between requests.

    Django closes every cache when a request finishes. DiskCache would then
    reopen its SQLite files on the next one, about 3 ms a request. Its
    operations are atomic and its connections are per thread, so, as its
    author advises, it stays open for the life of the process (Django's
    PyLibMCCache does the same with its connections).
    """

    def close(self, **kwargs):
        pass
