# syntax=docker/dockerfile:1
# The simulated TikTok Shop for a staging stack (docker-compose.staging.yml): the same code as
# the portal's image plus the demo package, which the production image leaves out. It answers
# TikTok's Open API, authorization page and token endpoints, and sends signed webhooks.
# Its files: this Dockerfile's own ignore file, simulator.Dockerfile.dockerignore, which keeps
# demo/ in the build context (BuildKit reads it instead of the root .dockerignore).

ARG PYTHON_IMAGE=python:3.12-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=sellercenter.settings.local \
    DJANGO_DEBUG=false

WORKDIR /app

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

COPY pyproject.toml constraints.txt ./
RUN pip install pip==26.3 setuptools==84.2.1 \
    && pip install --no-build-isolation -c constraints.txt . \
    && rm -rf build sellercenter.egg-info

COPY . .
# Local settings keep a generated secret key and token key under var/: the app user owns it.
RUN mkdir -p var && chown app:app var

USER app

EXPOSE 8766

# Options (speed, backlog, rate limit, webhook and redirect URLs) come from the compose file.
ENTRYPOINT ["python", "manage.py", "tiktok_simulator", "--host", "0.0.0.0", "--port", "8766"]
