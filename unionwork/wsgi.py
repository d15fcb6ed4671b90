import os

from django.core.wsgi import get_wsgi_application

from unionwork.core.runtime import tune_gc, warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionwork.settings")
application = get_wsgi_application()
warm_up()  # views imported, templates compiled before the first request (core/runtime.py)
tune_gc()  # fewer passes of the garbage collector, and none over what start-up loaded (core/runtime.py)
