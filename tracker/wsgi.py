import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("YARDSTICK_PROCESS", "web")  # short database timeouts: fail fast, 503
application = get_wsgi_application()
