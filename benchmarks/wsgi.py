"""The site as production serves it, plus the floor view (benchmarks/urls.py).

Used by `make loadtest` so that gunicorn's throughput on the catalogue can be
compared with its throughput on a trivial view through the same stack.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemportal.settings")
application = get_wsgi_application()
settings.ROOT_URLCONF = "benchmarks.urls"

from stemportal.process import freeze_long_lived_objects  # noqa: E402

freeze_long_lived_objects()
