# huddlebot in a container: `docker compose up` runs it beside PostgreSQL (see docker-compose.yml).
#
# The first stage builds huddlebot's wheel from the source tree; the image installs that wheel,
# as anyone installing huddlebot would, so the prompt library, the examples and the migrations come
# from the installed package and no source tree is left in the image. Data (a SQLite file, when
# DATABASE_URL is unset) goes to /data.
FROM python:3.11-slim AS wheel

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# bot/prompts, bot/examples and bot/slack link to the folders at the top, which the wheel carries
# as data
COPY pyproject.toml README.md ./
COPY prompts ./prompts
COPY examples ./examples
COPY slack ./slack
COPY adapters ./adapters
COPY bot ./bot
RUN pip wheel --no-deps --wheel-dir /wheels .


FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pg_dump and pg_restore for `huddlebot backup` and `restore`, of the same major version as the
# PostgreSQL server in docker-compose.yml (Debian's own client is older, and pg_dump refuses a newer
# server), from the PostgreSQL project's own package repository.
ARG PG_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
    && curl -fsSL https://www.postgresql.org/media/keys/ACCC4CF8.asc \
       | gpg --dearmor -o /usr/share/keyrings/pgdg.gpg \
    && echo "deb [signed-by=/usr/share/keyrings/pgdg.gpg] https://apt.postgresql.org/pub/repos/apt $(. /etc/os-release && echo $VERSION_CODENAME)-pgdg main" \
       > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
    && apt-get purge -y curl gnupg && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

# The dependencies first, in a layer of their own, so a change to the code does not reinstall them.
COPY pyproject.toml /tmp/pyproject.toml
RUN python -c "import tomllib; deps = tomllib.load(open('/tmp/pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt /tmp/pyproject.toml

COPY --from=wheel /wheels /wheels
RUN pip install /wheels/huddlebot-*.whl \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent huddlebot \
    && mkdir -p /data /config \
    && chown huddlebot /data

USER huddlebot
WORKDIR /data

ENV HUDDLEBOT_HOST=0.0.0.0 \
    HUDDLEBOT_PORT=8080 \
    HUDDLEBOT_DATA_DIR=/data \
    HUDDLEBOT_CONFIG=/config/huddlebot.toml

VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HUDDLEBOT_PORT', '8080'), timeout=4)"]

CMD ["huddlebot", "run"]
