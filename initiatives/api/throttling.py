"""Throttling of anonymous API clients."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """DRF's AnonRateThrottle, reading its rate when a request comes in.

    DRF copies the rates into the class when it is imported, so a changed
    setting (a test, a deploy that reloads settings) would go unnoticed. The
    rate comes from the API_THROTTLE_ANON environment variable (settings.py);
    none means no throttling.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
