"""Django's JSON serialisation without its loss of precision.

DjangoJSONEncoder cuts datetimes and times to milliseconds, so a backup
(backup_catalogue) restored would not be equal to the database it came from.
This module is registered as the "json" format (SERIALIZATION_MODULES), the
same format with full microseconds; reading is unchanged.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class PreciseJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = PreciseJSONEncoder
