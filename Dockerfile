# Baton in a container, built the way the Python packaging guides build an application image:
# a pinned base, the locked dependencies (requirements.lock, see deploy/lock.sh) in a layer of
# their own, Baton itself as a wheel built in a separate stage, no pip cache, nothing from the
# checkout but the installed package, a non-root user, `baton serve` by default.
#   docker build -t baton .        (BuildKit, the default builder: RUN --mount below)
# Settings come from the environment (see docs/configuration.md).

# Stage 1: the wheel, from the package's sources only (no tests, benchmarks or deploy files).
FROM python:3.11.17-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot/ bot/
COPY store/ store/
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir dist .

# Stage 2: the image. Same base, so the virtual environment's python is the one it was made with.
FROM python:3.11.17-slim-bookworm
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/baton
ENV PATH=/opt/baton/bin:$PATH

RUN useradd --system --create-home --uid 10001 baton \
    && mkdir /data \
    && chown baton:baton /data

# The locked dependencies first, exactly as pinned (--no-deps; `pip check` fails the build if the
# lock misses one). This layer depends on requirements.lock alone: a code change keeps it cached.
RUN --mount=type=bind,source=requirements.lock,target=/tmp/requirements.lock \
    python -m venv "$VIRTUAL_ENV" \
    && "$VIRTUAL_ENV/bin/pip" install --no-cache-dir --no-deps -r /tmp/requirements.lock \
    && "$VIRTUAL_ENV/bin/pip" check

# Then Baton's wheel from stage 1 (mounted, so the wheel file itself stays out of the image), and
# `pip check` again: every dependency pyproject.toml declares is satisfied by the locked set.
RUN --mount=type=bind,from=build,source=/src/dist,target=/tmp/dist \
    "$VIRTUAL_ENV/bin/pip" install --no-cache-dir --no-deps /tmp/dist/baton-*.whl \
    && "$VIRTUAL_ENV/bin/pip" check

WORKDIR /app
ENV DATABASE_URL=sqlite:////data/baton.db \
    PORT=3000
VOLUME ["/data"]
EXPOSE 3000
USER baton

# python:3.11-slim has no curl: ask /healthz with the standard library (non-2xx fails).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"

# All interfaces of the container's own network: the host decides what to publish, and where
# (compose.yaml publishes on 127.0.0.1 only).
CMD ["baton", "serve", "--host", "0.0.0.0"]
