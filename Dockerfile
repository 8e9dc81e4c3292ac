# huddlebot in a container: `docker compose up` runs it beside PostgreSQL (see docker-compose.yml).
#
# The source tree lives in /app and is installed in editable mode, so the package finds its
# prompt library at /app/prompts (bot/app.py looks for prompts/ beside the package) and the
# examples at /app/examples. Data (a SQLite file, when DATABASE_URL is unset) goes to /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The dependencies first, in a layer of their own, so a change to the code does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY prompts ./prompts
COPY examples ./examples
RUN pip install --no-deps -e . \
    && python -m compileall -q bot adapters \
    && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent huddlebot \
    && mkdir -p /data /config \
    && chown huddlebot /data

USER huddlebot

ENV HUDDLEBOT_HOST=0.0.0.0 \
    HUDDLEBOT_PORT=8080 \
    HUDDLEBOT_DATA_DIR=/data \
    HUDDLEBOT_CONFIG=/config/huddlebot.toml

VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HUDDLEBOT_PORT', '8080'), timeout=4)"]

CMD ["huddlebot", "run"]
