# Baton in a container: the package installed as the README installs it, run as a non-root
# user, `baton serve` by default. Settings come from the environment (see README, Settings).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --create-home --uid 10001 baton \
    && mkdir /data \
    && chown baton:baton /data

WORKDIR /app
COPY . .
# The README's install step, as written (root owns the code; the app user only reads it).
RUN python3 -m venv .venv && .venv/bin/pip install -q -e .

ENV PATH=/app/.venv/bin:$PATH \
    DATABASE_URL=sqlite:////data/baton.db \
    PORT=3000
VOLUME ["/data"]
EXPOSE 3000
USER baton

# python:3.11-slim has no curl: ask /healthz with the standard library (non-2xx fails).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"

CMD ["baton", "serve"]
