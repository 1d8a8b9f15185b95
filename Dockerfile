# The Credentials service: the production settings (credentials/settings/production.py) under gunicorn.
#
#   docker build -t credentials .
#   docker run -p 8150:8150 -e SECRET_KEY=... -e DATABASE_URL=mysql://... -e CACHE_URL=memcached://... credentials
#
# Configuration is by environment variable only (README.md, "Production"). docker-compose.yml runs the whole
# stack. The same image runs the one-shot `python manage.py migrate` and the scheduled `copy_catalog`.

# Debian bookworm, like CI: its MariaDB client library is the one mysqlclient is tested against.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# mysqlclient compiles against the MariaDB client library; the compilers stay in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential default-libmysqlclient-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements/production.txt /tmp/production.txt
# The pinned, complete list (pip-compile): nothing unpinned is pulled in, and pip check proves it is complete.
RUN pip install --no-deps -r /tmp/production.txt && pip check

FROM ${PYTHON_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmariadb3 chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 credentials \
    && useradd --system --uid 10001 --gid credentials --home-dir /app --no-create-home --shell /usr/sbin/nologin credentials
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=credentials.settings.production \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media \
    PORT=8150 \
    GUNICORN_WORKERS=2
WORKDIR /app
# The code belongs to root: the service user can read it, not change it.
COPY . /app
# Static files are collected (hashed and compressed) into the image; the key is a placeholder because
# collectstatic needs the settings but no secret. Uploads go to /app/var/media, a volume in production.
RUN SECRET_KEY=collectstatic-only-not-used-at-run-time LOG_LEVEL=WARNING \
        python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var/media \
    && chown credentials:credentials /app/var/media \
    && chmod +x docker/*.sh
USER credentials
EXPOSE 8150
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/' % os.environ.get('PORT', '8150'), timeout=4)"]
# GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT, PORT: see credentials/gunicorn_conf.py.
CMD ["gunicorn", "--config", "credentials/gunicorn_conf.py", "credentials.wsgi:application"]
