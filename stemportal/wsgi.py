"""WSGI entry point, used by gunicorn and runserver."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stemportal.settings")

application = get_wsgi_application()

from stemportal.process import freeze_long_lived_objects  # noqa: E402

freeze_long_lived_objects()
