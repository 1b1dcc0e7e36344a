# syntax=docker/dockerfile:1
# One image for every role: gunicorn by default, Celery worker and beat by overriding the command
# (see docker-compose.yml). Health checks live in the compose file because they differ by role.

# Pin by digest (python:3.12-slim-bookworm@sha256:…) for byte-identical rebuilds.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=sellercenter.settings.production \
    WEB_CONCURRENCY=3

WORKDIR /app

# A writable home: gunicorn keeps its control socket (for `gunicornc`) in ~/.gunicorn.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

# Dependencies first, from the two files that pin them, so a code change reuses this layer.
# With only pyproject.toml present, `pip install .` installs every pinned dependency plus an empty
# `sellercenter` distribution; the code itself runs from /app (PYTHONPATH), where BASE_DIR also
# finds templates/ and static/. pip and setuptools are pinned too, since constraints.txt does not
# cover the build backend.
COPY pyproject.toml constraints.txt ./
RUN pip install pip==26.3 setuptools==84.2.1 \
    && pip install --no-build-isolation -c constraints.txt . \
    && rm -rf build sellercenter.egg-info

COPY . .

# Production settings refuse to import without a secret and hosts; collectstatic touches neither
# the database nor the broker, so throwaway values scoped to this one command are enough.
# The files stay owned by root: the app user only ever writes to MEDIA_ROOT.
RUN DJANGO_SECRET_KEY=build-time-only-collectstatic-placeholder-not-a-secret-0123456789 \
        ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && mkdir -p var/media \
    && chown app:app var/media

USER app

EXPOSE 8000

# Processes: WEB_CONCURRENCY (gunicorn's own variable) = cores + 1, 3 for the 2-core target;
# 2 threads each, so that streaming a large export download is not killed by the worker timeout,
# which a sync worker busy on one long response would hit. Measured against sync and other
# counts in docs/operations.md "Web workers". /dev/shm keeps worker heartbeats off the
# container's overlay filesystem.
CMD ["gunicorn", "sellercenter.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-class", "gthread", \
     "--threads", "2", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-"]
