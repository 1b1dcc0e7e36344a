import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellercenter.settings.production")
application = get_wsgi_application()

# Django, the apps and their modules are loaded and live as long as the process: leave them out
# of every garbage collection from now on. Full collections otherwise walk them all and made
# the slowest order-list searches 30-60 ms slower (docs/benchmarks.md).
gc.freeze()
